// The composer's attachments (Issue 6): files upload as they are picked and show as chips; a
// file that is too large, empty or one too many is refused in plain words without uploading;
// removing a chip drops it; Send waits for uploads; a message may be only files; a saved reply
// brings its files; sent messages show image thumbnails and download links.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import i18n from '../../i18n';
import { ApiError, type Attachment, type ThreadMessage } from '../../api';
import { Composer } from './Composer';
import { Linkified, MessageList } from './MessageList';

const att = (id: string, filename: string, size: number, image = false): Attachment => ({
  id,
  filename,
  content_type: image ? 'image/png' : 'application/pdf',
  size_bytes: size,
  is_image: image,
  created_at: '2026-03-01T10:00:00Z',
  url: `/api/v1/attachments/${id}/content`,
});

function fileOf(name: string, size: number, type = 'application/octet-stream'): File {
  const f = new File(['x'], name, { type });
  Object.defineProperty(f, 'size', { value: size });
  return f;
}

function pick(files: File[]) {
  fireEvent.change(screen.getByTestId('attach-input'), { target: { files } });
}

function setup({ upload, onSend = vi.fn(async () => {}), savedReplies = false }: { upload?: (f: File) => Promise<Attachment>; onSend?: (body: string, ids: string[]) => Promise<void>; savedReplies?: boolean } = {}) {
  render(<Composer label="Reply to Ana" sendLabel="Send reply" upload={upload} onSend={onSend} savedReplies={savedReplies} />);
  return { onSend };
}

beforeEach(async () => {
  await i18n.changeLanguage('en');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('composer attachments', () => {
  it('uploads a picked file, shows it as a chip with its size, and sends its id with the text', async () => {
    const upload = vi.fn(async (f: File) => att('att_1', f.name, f.size, true));
    const { onSend } = setup({ upload });
    pick([fileOf('shot.png', 2048, 'image/png')]);
    const chip = await screen.findByTestId('attachment-chip');
    await waitFor(() => expect(chip.textContent).toContain('2 kB'));
    expect(chip.textContent).toContain('shot.png');
    expect(chip.querySelector('img')?.getAttribute('src')).toBe('/api/v1/attachments/att_1/content');
    fireEvent.change(screen.getByLabelText('Reply to Ana'), { target: { value: 'Here it is' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send reply' }));
    await waitFor(() => expect(onSend).toHaveBeenCalledWith('Here it is', ['att_1']));
    await waitFor(() => expect(screen.queryByTestId('attachment-chip')).toBeNull());
  });

  it('refuses a file over 10 MB in plain words without uploading it', async () => {
    const upload = vi.fn(async (f: File) => att('att_1', f.name, f.size));
    setup({ upload });
    pick([fileOf('video.mov', 24 * 1024 * 1024 + 300 * 1024)]);
    expect((await screen.findByTestId('composer-error')).textContent).toBe('“video.mov” is 24 MB, too large to attach. Each file can be at most 10 MB.');
    expect(upload).not.toHaveBeenCalled();
    expect(screen.queryByTestId('attachment-chip')).toBeNull();
  });

  it('says so when the server refuses the upload as too large (413), and drops the chip', async () => {
    const upload = vi.fn(async () => {
      throw new ApiError({ status: 413, type: 'invalid_request', code: 'body_too_large', message: 'The request body is too large.', param: null, retryAfterSeconds: null });
    });
    setup({ upload });
    pick([fileOf('almost.zip', 9 * 1024 * 1024)]);
    await waitFor(() => expect(screen.getByTestId('composer-error').textContent).toBe('“almost.zip” is 9 MB, too large to attach. Each file can be at most 10 MB.'));
    expect(screen.queryByTestId('attachment-chip')).toBeNull();
  });

  it('refuses empty files and the eleventh file', async () => {
    let n = 0;
    const upload = vi.fn(async (f: File) => att(`att_${++n}`, f.name, f.size));
    setup({ upload });
    pick([fileOf('empty.txt', 0), ...Array.from({ length: 11 }, (_, i) => fileOf(`f${i}.pdf`, 100))]);
    const error = await screen.findByTestId('composer-error');
    expect(error.textContent).toContain('“empty.txt” is empty, so it was not attached.');
    expect(error.textContent).toContain('“f10.pdf” was not attached: a message can carry up to 10 files.');
    expect(upload).toHaveBeenCalledTimes(10);
    expect(await screen.findAllByTestId('attachment-chip')).toHaveLength(10);
  });

  it('removes a chip, so its file is not sent; a message may be only files', async () => {
    let n = 0;
    const upload = vi.fn(async (f: File) => att(`att_${++n}`, f.name, f.size));
    const { onSend } = setup({ upload });
    pick([fileOf('a.pdf', 10), fileOf('b.pdf', 10)]);
    await waitFor(() => expect(screen.getAllByTestId('attachment-chip').every((c) => !c.textContent?.includes('Uploading'))).toBe(true));
    fireEvent.click(screen.getByRole('button', { name: 'Remove a.pdf' }));
    expect(screen.getAllByTestId('attachment-chip')).toHaveLength(1);
    fireEvent.click(screen.getByRole('button', { name: 'Send reply' }));
    await waitFor(() => expect(onSend).toHaveBeenCalledWith('', ['att_2']));
  });

  it('waits for uploads before sending, and asks for words or a file when both are missing', async () => {
    let finish: (a: Attachment) => void = () => {};
    const upload = vi.fn(() => new Promise<Attachment>((resolve) => (finish = resolve)));
    const { onSend } = setup({ upload });
    fireEvent.click(screen.getByRole('button', { name: 'Send reply' }));
    expect((await screen.findByTestId('composer-error')).textContent).toBe('Write a message or attach a file first.');
    pick([fileOf('slow.pdf', 5000)]);
    expect((await screen.findByTestId('attachment-chip')).textContent).toContain('Uploading…');
    fireEvent.click(screen.getByRole('button', { name: 'Send reply' }));
    expect((await screen.findByTestId('composer-error')).textContent).toBe('Wait a moment: the files are still uploading.');
    expect(onSend).not.toHaveBeenCalled();
    finish(att('att_9', 'slow.pdf', 5000));
    await waitFor(() => expect(screen.getByTestId('attachment-chip').textContent).toContain('4.9 kB'));
    fireEvent.click(screen.getByRole('button', { name: 'Send reply' }));
    await waitFor(() => expect(onSend).toHaveBeenCalledWith('', ['att_9']));
  });

  it('keeps the text and the files when the send fails, naming a file that is gone', async () => {
    const upload = vi.fn(async (f: File) => att('att_1', f.name, f.size));
    const onSend = vi.fn(async () => {
      throw new ApiError({ status: 400, type: 'invalid_request', code: 'attachment_not_found', message: 'x', param: 'attachment_ids', retryAfterSeconds: null });
    });
    setup({ upload, onSend });
    pick([fileOf('a.pdf', 10)]);
    await waitFor(() => expect(screen.getByTestId('attachment-chip').textContent).toContain('10 bytes'));
    fireEvent.change(screen.getByLabelText('Reply to Ana'), { target: { value: 'See attached' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send reply' }));
    expect((await screen.findByTestId('composer-error')).textContent).toBe('Not sent: one of the attached files is no longer available. Remove it and attach it again.');
    expect((screen.getByLabelText('Reply to Ana') as HTMLTextAreaElement).value).toBe('See attached');
    expect(screen.getAllByTestId('attachment-chip')).toHaveLength(1);
  });

  it('inserting a saved reply brings its files along', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({
      data: [{ id: 'srp_1', title: 'Manual', body: 'The manual is attached.', attachments: [att('att_m', 'manual.pdf', 300000)], created_at: '', updated_at: '' }],
      has_more: false,
      next_cursor: null,
    }), { status: 200, headers: { 'Content-Type': 'application/json' } })));
    const upload = vi.fn(async (f: File) => att('att_1', f.name, f.size));
    const { onSend } = setup({ upload, savedReplies: true });
    fireEvent.click(screen.getByRole('button', { name: 'Insert saved reply' }));
    fireEvent.click(await screen.findByRole('button', { name: /Manual/ }));
    expect((await screen.findByTestId('attachment-chip')).textContent).toContain('manual.pdf');
    fireEvent.click(screen.getByRole('button', { name: 'Send reply' }));
    await waitFor(() => expect(onSend).toHaveBeenCalledWith('The manual is attached.', ['att_m']));
  });

  it('offers no paperclip where files cannot be sent', () => {
    setup();
    expect(screen.queryByRole('button', { name: 'Attach files' })).toBeNull();
  });

  it('speaks Spanish too', async () => {
    await i18n.changeLanguage('es');
    const upload = vi.fn(async (f: File) => att('att_1', f.name, f.size));
    setup({ upload });
    expect(screen.getByRole('button', { name: 'Adjuntar archivos' })).toBeTruthy();
    pick([fileOf('vídeo.mov', 12 * 1024 * 1024)]);
    expect((await screen.findByTestId('composer-error')).textContent).toBe('«vídeo.mov» ocupa 12 MB, demasiado para adjuntarlo. Cada archivo puede ocupar como máximo 10 MB.');
  });
});

describe('sent attachments', () => {
  it('shows images as thumbnails that open full size and other files as download links', () => {
    const messages: ThreadMessage[] = [
      { id: 'msg_1', thread_id: 'thr_1', author: 'seller', body: '', attachments: [att('att_i', 'cover.png', 1200, true), att('att_f', 'guide.pdf', 1536000)], broadcast_id: null, created_at: '2026-03-01T10:00:00Z' },
    ];
    render(<MessageList messages={messages} me="buyer" otherName="Demo Store" />);
    const message = screen.getByTestId('message');
    expect(message.querySelector('.bubble__body')).toBeNull();
    const img = within(message).getByTestId('attachment-image') as HTMLImageElement;
    expect(img.getAttribute('src')).toBe('/api/v1/attachments/att_i/content');
    expect(img.alt).toBe('cover.png');
    expect(within(message).getByRole('link', { name: 'Open cover.png full size' }).getAttribute('target')).toBe('_blank');
    const file = within(message).getByTestId('attachment-file');
    expect(file.getAttribute('href')).toBe('/api/v1/attachments/att_f/content');
    expect(file.getAttribute('download')).toBe('guide.pdf');
    expect(file.textContent).toContain('1.5 MB');
  });
});

describe('links in messages', () => {
  it('turns web addresses into links that open in a new tab, and nothing else', () => {
    render(
      <p data-testid="text">
        <Linkified text={'Docs: https://example.com/guide?x=1. Old: http://a.test/b), not javascript:alert(1) or www.c.test'} />
      </p>,
    );
    const links = within(screen.getByTestId('text')).getAllByRole('link');
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.com/guide?x=1', 'http://a.test/b']);
    expect(links[0]?.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(links[0]?.getAttribute('target')).toBe('_blank');
    expect(screen.getByTestId('text').textContent).toBe('Docs: https://example.com/guide?x=1. Old: http://a.test/b), not javascript:alert(1) or www.c.test');
  });
});

