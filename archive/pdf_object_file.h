#pragma once
// A PDF file written object by object, straight to disk (the streaming half of the PDF writer).
//
// Design notes: objects are numbered up front (reserve()) so that a page can refer to objects
// written only at the end (its parent page tree, the shared font); each object is written once
// and only its byte offset is kept, so memory does not grow with the document beyond 10 bytes
// per object. The cross-reference table and trailer close the file. Every write is checked:
// a full disk or a file-size limit gives Error(Io), never a silently short file.
// With `object_streams` (PDF 1.5+, allowed in PDF/A-2, not in PDF/A-1) dictionaries and
// other non-stream objects are gathered, 100 at a time, into compressed object streams and the
// cross-reference table becomes a compressed cross-reference stream: about 150 bytes less per
// page. Memory stays bounded: at most one object stream's worth of bodies is held.
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace xueji {

class PdfObjectFile {
 public:
  // Creates `path` (must not exist) and writes the header for `version` ("1.4", "1.7").
  PdfObjectFile(const std::filesystem::path& path, const std::string& version, bool object_streams = false);
  ~PdfObjectFile();
  PdfObjectFile(const PdfObjectFile&) = delete;
  PdfObjectFile& operator=(const PdfObjectFile&) = delete;

  int reserve();  // a new object number, to be written later
  // Writes object `n` whose body (dictionary, array, ...) is `body`.
  void write_object(int n, std::string_view body);
  // Writes stream object `n`: `dict_entries` are the dictionary's entries without /Length.
  void write_stream(int n, std::string_view dict_entries, std::string_view data);
  // Writes the cross-reference table and trailer and closes the file (flushed and synced).
  // `trailer_entries`: /Root, /Info, /ID ... without /Size.
  void finish(std::string_view trailer_entries);

  long long bytes_written() const { return offset_; }

 private:
  struct Entry {
    long long offset = -1;  // in the file; -1 while reserved
    int stream = 0;         // > 0: in this object stream, at `index`
    int index = 0;
  };
  void put(std::string_view s);
  void flush_object_stream();
  Entry& entry(int n);
  std::FILE* f_ = nullptr;
  std::filesystem::path path_;
  long long offset_ = 0;
  std::vector<Entry> entries_;  // by object number - 1
  bool object_streams_ = false;
  std::vector<std::pair<int, std::string>> pending_;  // bodies waiting for an object stream
};

// PDF syntax helpers.
std::string pdf_ref(int n);                        // "12 0 R"
std::string pdf_text_string(const std::string& utf8);  // (ASCII) or <FEFF...> UTF-16BE
std::string pdf_hex(std::string_view bytes);       // <0A1B...>
std::string flate(std::string_view data, int level = 9);  // zlib stream for /FlateDecode

}  // namespace xueji
