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

PdfObjectFile::PdfObjectFile(const std::filesystem::path& path, const std::string& version) : path_(path) {
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
  offsets_.push_back(-1);
  return static_cast<int>(offsets_.size());
}

void PdfObjectFile::write_object(int n, std::string_view body) {
  if (n < 1 || n > static_cast<int>(offsets_.size()) || offsets_[size_t(n - 1)] >= 0)
    throw Error(ErrorCode::Pdf, "PDF object " + std::to_string(n) + " is not reserved or written twice");
  offsets_[size_t(n - 1)] = offset_;
  put(std::to_string(n) + " 0 obj\n");
  put(body);
  put("\nendobj\n");
}

void PdfObjectFile::write_stream(int n, std::string_view dict_entries, std::string_view data) {
  std::string head = "<<";
  head += dict_entries;
  head += " /Length " + std::to_string(data.size()) + " >>\nstream\n";
  if (n < 1 || n > static_cast<int>(offsets_.size()) || offsets_[size_t(n - 1)] >= 0)
    throw Error(ErrorCode::Pdf, "PDF object " + std::to_string(n) + " is not reserved or written twice");
  offsets_[size_t(n - 1)] = offset_;
  put(std::to_string(n) + " 0 obj\n");
  put(head);
  put(data);
  put("\nendstream\nendobj\n");
}

void PdfObjectFile::finish(std::string_view trailer_entries) {
  for (size_t i = 0; i < offsets_.size(); ++i)
    if (offsets_[i] < 0) throw Error(ErrorCode::Pdf, "PDF object " + std::to_string(i + 1) + " was never written");
  const long long xref = offset_;
  std::string t = "xref\n0 " + std::to_string(offsets_.size() + 1) + "\n0000000000 65535 f \n";
  char entry[24];
  for (long long off : offsets_) {
    std::snprintf(entry, sizeof entry, "%010lld 00000 n \n", off);
    t += entry;
  }
  t += "trailer\n<< /Size " + std::to_string(offsets_.size() + 1);
  t += trailer_entries;
  t += " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  put(t);
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

std::string flate(std::string_view data) {
  uLongf size = compressBound(static_cast<uLong>(data.size()));
  std::string out(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(data.data()),
                static_cast<uLong>(data.size()), 9) != Z_OK)
    throw Error(ErrorCode::Pdf, "zlib compression failed");
  out.resize(size);
  return out;
}

}  // namespace xueji
