// JSON encodings of messaging objects shared by the conversation routes (messaging_api.cpp) and
// the attachment routes (attachments_api.cpp, where they are defined).
#pragma once

#include <nlohmann/json.hpp>

#include "modules/messaging/messaging.hpp"

namespace sd::api {

// An attachment as `viewer` sees it: {id, filename, content_type, size_bytes, is_image,
// created_at, url}; `url` is that side's download route (seller /api/v1/attachments/{id}/content,
// buyer /api/v1/my/attachments/{id}/content).
nlohmann::json attachment_json(const messaging::Attachment& a, messaging::Side viewer);

}  // namespace sd::api
