#pragma once
// The --grade and --class filters of `student list` and `report completeness`, matching as the
// search filters `grade:` and `class:` do (indexer/page_index.cpp, in SQL): a grade matches when
// it contains the value (`2015` finds 2015级), a class when it is the value or the value + 班
// (`3` finds 3班). An empty value matches everything.
#include <string_view>
#include <vector>

#include "models/student.h"

namespace xueji {

bool grade_matches(std::string_view grade, std::string_view filter);
bool class_matches(std::string_view class_name, std::string_view filter);
std::vector<Student> filter_students(std::vector<Student> students, std::string_view grade, std::string_view class_name);

}  // namespace xueji
