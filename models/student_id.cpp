#include "models/student_id.h"

#include <algorithm>
#include <cctype>

namespace xueji {
namespace {

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool is_real_date(std::string_view yyyymmdd) {
  if (yyyymmdd.size() != 8 || !all_digits(yyyymmdd)) return false;
  int y = std::stoi(std::string(yyyymmdd.substr(0, 4)));
  int m = std::stoi(std::string(yyyymmdd.substr(4, 2)));
  int d = std::stoi(std::string(yyyymmdd.substr(6, 2)));
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int max_day = days[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= max_day;
}

std::string trim_upper(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  std::string out(s.substr(b, e - b));
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::optional<char> id_check_character(std::string_view first17) {
  if (first17.size() != 17 || !all_digits(first17)) return std::nullopt;
  static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static const char table[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * weights[i];
  return table[sum % 11];
}

StudentIdCheck check_student_id(std::string_view raw) {
  StudentIdCheck r;
  r.normalized = trim_upper(raw);
  const std::string& id = r.normalized;
  if (id.empty()) {
    r.reason = "empty student number";
    return r;
  }
  const char kind = id[0];
  const std::string_view body = std::string_view(id).substr(1);
  if (kind == 'G' || kind == 'J') {
    if (body.size() != 18) {
      r.reason = std::string("a ") + kind + " number needs 18 characters after the letter, got " +
                 std::to_string(body.size());
      return r;
    }
    if (!all_digits(body.substr(0, 17))) {
      r.reason = "characters 2-18 must be digits";
      return r;
    }
    if (!is_real_date(body.substr(6, 8))) {
      r.reason = "birth date " + std::string(body.substr(6, 8)) + " is not a real date";
      return r;
    }
    char expected = *id_check_character(body.substr(0, 17));
    if (body[17] != expected) {
      r.reason = std::string("check character is ") + body[17] + ", expected " + expected;
      return r;
    }
    r.valid = true;
    return r;
  }
  if (kind == 'L') {
    if (body.size() != 18 || !all_digits(body)) {
      r.reason = "an L number needs 18 digits after the letter";
      return r;
    }
    if (!is_real_date(body.substr(6, 8))) {
      r.reason = "birth date " + std::string(body.substr(6, 8)) + " is not a real date";
      return r;
    }
    r.valid = true;
    return r;
  }
  r.reason = "a student number starts with G, J or L";
  return r;
}

}  // namespace xueji
