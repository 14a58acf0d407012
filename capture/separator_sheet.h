#pragma once
// Separator sheets for batch scanning: the QR payload they carry and finding it on a scanned page.
//
// Payload (the QR text, UTF-8):
//   XJSEP1:S:<学籍号>:<check>     a student's sheet: the pages after it are that student's
//   XJSEP1:D:<type name>:<check>  a document-type sheet: the pages after it are of that type
//   XJSEP1:T:<check>              Patch-T style: the next document of the same student
// <check> is the first 8 hex digits (lower case) of the SHA-256 of all the text before it,
// the ':' in front of it included. A misread symbol whose Reed-Solomon correction went wrong, a
// hand-made or foreign code, can therefore never select another student: the check fails.
//
// Design notes (detection): the page is reduced to a working size (long side ~1600 px: the sheets'
// 60 mm symbol of 37 modules is ~9 px a module there, whatever the scan's dpi) and read with ZXing-C++
// (QR only, errors returned). ZXing reads QR codes at any rotation, so 90/180/270 and skew need
// no extra passes. When that pass finds no Xueji code, a few retries follow (a global-histogram
// binarizer, for photocopies with a grey cast; a smaller scale, which averages noise and toner
// specks away; a smaller one still, smoothed, for heavy noise): each costs a few milliseconds,
// so an ordinary page stays far below the time it takes to OCR it. A symbol ZXing located but
// could not decode counts as a misread only when it is as large as a sheet's symbol (a share of
// the page's long side): small QR codes printed on real documents are not sheets; so is a
// symbol whose three finder patterns are seen although ZXing located nothing (capture/qr_finder.h).
// A mirrored symbol (a sheet seen through the paper from its back, or a mirrored scan) is still
// that sheet: found, with a lower confidence and a note (its orientation means nothing then).
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace xueji {

enum class SheetKind { Student, DocType, NextDocument };
const char* to_string(SheetKind kind);  // "student", "doctype", "next-document"

struct SheetCode {
  SheetKind kind = SheetKind::Student;
  std::string student_id;  // Student: the 学籍号 (as in the catalog)
  std::string doc_type;    // DocType: the document type name, e.g. 成绩单 (UTF-8)

  bool operator==(const SheetCode&) const = default;
};

// The QR text. Throws Error(InvalidArgument) for an empty or malformed 学籍号 (ASCII letters and
// digits, at most 32) or document type name (valid UTF-8 without control characters, at most
// 96 bytes).
std::string encode_sheet_payload(const SheetCode& code);
// nullopt: not a Xueji sheet, or its check fails.
std::optional<SheetCode> parse_sheet_payload(const std::string& text);
// True when `text` claims to be a Xueji sheet (the prefix), valid or not.
bool has_sheet_prefix(const std::string& text);

struct SheetParams {
  int working_long_side = 1600;  // first pass: the page's long side scaled to this (never up)
  // Retries when the first pass finds no valid Xueji code: the working size with the
  // global-histogram binarizer, then these long sides, in this order, with the local-average one.
  bool retry_global_binarizer = true;
  std::vector<int> retry_long_sides = {1000};
  int denoise_long_side = 800;  // last retry: this size smoothed before binarizing (heavy noise); 0: none
  // A located but undecodable symbol is a misread only when its side is at least this share of
  // the page's long side (the sheets' symbol is 60 mm of 297 mm: 0.20).
  double sheet_symbol_share = 0.10;
};

struct SheetReport {
  bool found = false;      // a valid Xueji sheet code was read
  bool misread = false;    // a Xueji-prefixed code was read but its check failed, or a QR-like symbol could not be decoded on a page that looks like a sheet
  SheetCode code;
  double confidence = 0;   // 0..1: found: that the code is right (1 on the first pass, less after retries);
                           // misread: how much the page looks like a sheet; neither: 0
  int orientation = 0;     // degrees the page is turned, from the symbol's corner points (informational):
                           // the clockwise turn of the upright sheet that gives the scan, as in capture/orientation.h
  std::string message;     // human-readable (English)
};

// `page`: 8-bit gray, BGR or BGRA, any dpi. Throws Error(BadImage) for an empty or non-8-bit image.
SheetReport detect_separator_sheet(const cv::Mat& page, const SheetParams& params = {});

}  // namespace xueji
