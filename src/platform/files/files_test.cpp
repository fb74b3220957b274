#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "platform/files/files.hpp"

namespace sd::files {
namespace {

namespace fs = std::filesystem;

class FilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "sd-files-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }

  std::string dir_;
};

TEST_F(FilesTest, PutThenReadBackByKey) {
  const auto store = store_in(dir_);
  const std::string bytes("hello\0world", 11);
  auto blob = store.put(bytes);
  ASSERT_TRUE(blob) << blob.error().message;
  EXPECT_EQ(blob->size_bytes, 11);
  EXPECT_EQ(blob->sha256, blob->storage_key);
  EXPECT_TRUE(FileStore::is_valid_key(blob->storage_key));
  auto path = store.path_of(blob->storage_key);
  ASSERT_TRUE(path);
  EXPECT_EQ(slurp(*path), bytes);
  EXPECT_EQ(path->rfind(dir_ + "/files/", 0), 0u) << *path;
}

TEST_F(FilesTest, KeyIsTheSha256OfTheContent) {
  auto blob = store_in(dir_).put("abc");
  ASSERT_TRUE(blob);
  EXPECT_EQ(blob->sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(FilesTest, SameContentIsStoredOnceAndLeavesNoTempFiles) {
  const auto store = store_in(dir_);
  auto a = store.put("same bytes");
  auto b = store.put("same bytes");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->storage_key, b->storage_key);
  size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir_ + "/files")) {
    if (!e.is_regular_file()) continue;
    ++files;
    EXPECT_EQ(e.path().filename().string().rfind(".tmp-", 0), std::string::npos) << e.path();
  }
  EXPECT_EQ(files, 1u);
}

TEST_F(FilesTest, KeysCannotEscapeTheFolder) {
  const auto store = store_in(dir_);
  for (const char* key : {"", "../../etc/passwd", "..", "/etc/passwd",
                          "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
                          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a",
                          "ba/816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad/.."}) {
    auto r = store.path_of(key);
    ASSERT_FALSE(r) << key;
    EXPECT_EQ(r.error().code, "invalid_storage_key") << key;
  }
}

TEST_F(FilesTest, UnknownKeyIsMissing) {
  auto r = store_in(dir_).path_of(std::string(64, 'a'));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "file_missing");
  EXPECT_EQ(r.error().kind, ErrorKind::not_found);
}

TEST_F(FilesTest, UnwritableRootIsUnavailable) {
  std::ofstream(dir_ + "/files") << "a file where the folder should be";
  auto r = store_in(dir_).put("bytes");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::unavailable);
  EXPECT_EQ(r.error().code, "file_store_failed");
}

}  // namespace
}  // namespace sd::files
