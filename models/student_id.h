#pragma once
// The national student number (全国中小学生学籍号):
//   G + 18-character resident ID (GB 11643-1999, MOD 11-2 check character, real birth date)
//   J + 18 characters following the same rules (students without an ID number)
//   L + 6-digit area + 8-digit birth date + 4 digits (temporary, no check character)
#include <optional>
#include <string>
#include <string_view>

namespace xueji {

struct StudentIdCheck {
  bool valid = false;
  std::string normalized;  // upper-case, trimmed
  std::string reason;      // why it is invalid (English; empty when valid)
};

StudentIdCheck check_student_id(std::string_view id);

// GB 11643-1999 check character for the first 17 digits ('0'-'9' or 'X').
std::optional<char> id_check_character(std::string_view first17);

}  // namespace xueji
