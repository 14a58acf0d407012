#include "models/student_filter.h"

#include <algorithm>
#include <string>

namespace xueji {

bool grade_matches(std::string_view grade, std::string_view filter) {
  return filter.empty() || grade.find(filter) != std::string_view::npos;
}

bool class_matches(std::string_view class_name, std::string_view filter) {
  return filter.empty() || class_name == filter || class_name == std::string(filter) + "班";
}

std::vector<Student> filter_students(std::vector<Student> students, std::string_view grade, std::string_view class_name) {
  std::erase_if(students, [&](const Student& s) {
    return !grade_matches(s.grade, grade) || !class_matches(s.class_name, class_name);
  });
  return students;
}

}  // namespace xueji
