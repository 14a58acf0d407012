#pragma once
#include <string>

namespace xueji {

struct Student {
  std::string id;          // 学籍号, validated
  std::string name;        // 姓名, UTF-8, any Unicode characters
  std::string gender;      // 性别
  std::string birth_date;  // 出生日期, ISO yyyy-mm-dd
  std::string grade;       // 年级
  std::string class_name;  // 班级
  std::string ethnicity;   // 民族
  std::string school;      // 学校
  std::string status = "在读";  // 在读 | 毕业 | 转出 | 休学
};

}  // namespace xueji
