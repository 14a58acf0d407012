#include "archive/pdf_object_file.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>

#include "models/error.h"
#include "models/utf8.h"

namespace xueji {
namespace {

[[noreturn]] void io_fail(const std::string& what, const std::filesystem::path& p, int err) {
  throw Error(ErrorCode::Io, what + " " + p.string() + ": " + std::strerror(err));
}

}  // namespace

PdfObjectFile::PdfObjectFile(const std::filesystem::path& path, const std::string& version, bool object_streams)
    : path_(path), object_streams_(object_streams) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) io_fail("cannot create", path, errno);
  f_ = ::fdopen(fd, "wb");
  if (!f_) {
    const int err = errno;
    ::close(fd);
    io_fail("cannot open", path, err);
  }
  // The comment line of bytes above 127 marks the file as binary (PDF/A requires it).
  put("%PDF-" + version + "\n%\xE2\xE3\xCF\xD3\n");
}

PdfObjectFile::~PdfObjectFile() {
  if (f_) std::fclose(f_);
}

void PdfObjectFile::put(std::string_view s) {
  if (!f_) throw Error(ErrorCode::Io, "PDF file " + path_.string() + " is already closed");
  if (!s.empty() && std::fwrite(s.data(), 1, s.size(), f_) != s.size()) io_fail("cannot write", path_, errno);
  offset_ += static_cast<long long>(s.size());
}

int PdfObjectFile::reserve() {
  entries_.emplace_back();
  return static_cast<int>(entries_.size());
}

PdfObjectFile::Entry& PdfObjectFile::entry(int n) {
  if (n < 1 || n > static_cast<int>(entries_.size()) || entries_[size_t(n - 1)].offset >= 0 ||
      entries_[size_t(n - 1)].stream > 0)
    throw Error(ErrorCode::Pdf, "PDF object " + std::to_string(n) + " is not reserved or written twice");
  return entries_[size_t(n - 1)];
}

void PdfObjectFile::write_object(int n, std::string_view body) {
  Entry& e = entry(n);
  if (object_streams_) {
    e.stream = -1;  // placed when its object stream is written
    pending_.emplace_back(n, std::string(body));
    if (pending_.size() >= 100) flush_object_stream();
    return;
  }
  e.offset = offset_;
  put(std::to_string(n) + " 0 obj\n");
  put(body);
  put("\nendobj\n");
}

void PdfObjectFile::flush_object_stream() {
  if (pending_.empty()) return;
  std::string header, data;
  for (size_t i = 0; i < pending_.size(); ++i) {
    header += std::to_string(pending_[i].first) + " " + std::to_string(data.size()) + " ";
    data += pending_[i].second + "\n";
  }
  const int n = reserve();
  for (size_t i = 0; i < pending_.size(); ++i) {
    Entry& e = entries_[size_t(pending_[i].first - 1)];
    e.stream = n;
    e.index = static_cast<int>(i);
  }
  const std::string dict = " /Type /ObjStm /N " + std::to_string(pending_.size()) + " /First " +
                           std::to_string(header.size()) + " /Filter /FlateDecode";
  pending_.clear();
  write_stream(n, dict, flate(header + data));
}

void PdfObjectFile::write_stream(int n, std::string_view dict_entries, std::string_view data) {
  std::string head = "<<";
  head += dict_entries;
  head += " /Length " + std::to_string(data.size()) + " >>\nstream\n";
  entry(n).offset = offset_;
  put(std::to_string(n) + " 0 obj\n");
  put(head);
  put(data);
  put("\nendstream\nendobj\n");
}

void PdfObjectFile::finish(std::string_view trailer_entries) {
  flush_object_stream();
  for (size_t i = 0; i < entries_.size(); ++i)
    if (entries_[i].offset < 0 && entries_[i].stream <= 0)
      throw Error(ErrorCode::Pdf, "PDF object " + std::to_string(i + 1) + " was never written");
  if (object_streams_) {
    // Cross-reference stream: W [1 4 2] (type, offset or object stream, generation or index).
    const int self = reserve();
    entries_.back().offset = offset_;
    std::string rows;
    auto row = [&](int type, unsigned long long a, unsigned b) {
      rows.push_back(static_cast<char>(type));
      for (int s = 24; s >= 0; s -= 8) rows.push_back(static_cast<char>((a >> s) & 0xFF));
      rows.push_back(static_cast<char>((b >> 8) & 0xFF));
      rows.push_back(static_cast<char>(b & 0xFF));
    };
    row(0, 0, 65535);
    for (const Entry& e : entries_) {
      if (e.stream > 0) row(2, static_cast<unsigned long long>(e.stream), static_cast<unsigned>(e.index));
      else row(1, static_cast<unsigned long long>(e.offset), 0);
    }
    const long long xref = offset_;
    const std::string data = flate(rows);
    std::string head = std::to_string(self) + " 0 obj\n<< /Type /XRef /Size " + std::to_string(entries_.size() + 1) +
                       " /W [1 4 2]";
    head += trailer_entries;
    head += " /Filter /FlateDecode /Length " + std::to_string(data.size()) + " >>\nstream\n";
    put(head);
    put(data);
    put("\nendstream\nendobj\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n");
  } else {
    const long long xref = offset_;
    std::string t = "xref\n0 " + std::to_string(entries_.size() + 1) + "\n0000000000 65535 f \n";
    char line[24];
    for (const Entry& e : entries_) {
      std::snprintf(line, sizeof line, "%010lld 00000 n \n", e.offset);
      t += line;
    }
    t += "trailer\n<< /Size " + std::to_string(entries_.size() + 1);
    t += trailer_entries;
    t += " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
    put(t);
  }
  if (std::fflush(f_) != 0) io_fail("cannot write", path_, errno);
  if (::fsync(::fileno(f_)) != 0) io_fail("cannot sync", path_, errno);
  std::FILE* f = f_;
  f_ = nullptr;
  if (std::fclose(f) != 0) io_fail("cannot close", path_, errno);
}

std::string pdf_ref(int n) { return std::to_string(n) + " 0 R"; }

std::string pdf_hex(std::string_view bytes) {
  static const char* digits = "0123456789ABCDEF";
  std::string s = "<";
  for (unsigned char c : bytes) {
    s.push_back(digits[c >> 4]);
    s.push_back(digits[c & 15]);
  }
  return s + ">";
}

std::string pdf_text_string(const std::string& utf8) {
  bool plain = true;
  for (unsigned char c : utf8)
    if (c < 0x20 || c > 0x7E) plain = false;
  if (plain) {
    std::string s = "(";
    for (char c : utf8) {
      if (c == '(' || c == ')' || c == '\\') s.push_back('\\');
      s.push_back(c);
    }
    return s + ")";
  }
  std::string be = "\xFE\xFF";
  for (char32_t c : utf8_to_u32(utf8)) {
    auto unit = [&](unsigned u) {
      be.push_back(static_cast<char>(u >> 8));
      be.push_back(static_cast<char>(u & 0xFF));
    };
    if (c > 0xFFFF) {
      unit(0xD800 + ((c - 0x10000) >> 10));
      unit(0xDC00 + ((c - 0x10000) & 0x3FF));
    } else {
      unit(c);
    }
  }
  return pdf_hex(be);
}

std::string flate(std::string_view data, int level) {
  uLongf size = compressBound(static_cast<uLong>(data.size()));
  std::string out(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(data.data()),
                static_cast<uLong>(data.size()), level) != Z_OK)
    throw Error(ErrorCode::Pdf, "zlib compression failed");
  out.resize(size);
  return out;
}

}  // namespace xueji
