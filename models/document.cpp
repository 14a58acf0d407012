#include "models/document.h"

namespace xueji {

const std::vector<DocType>& doc_types() {
  static const std::vector<DocType> kTypes = {
      {"学籍卡", "XJK"},   {"成绩单", "CJD"},       {"体检表", "TJB"},
      {"奖惩记录", "JCJL"}, {"毕业生登记表", "BYDJ"}, {"其他", "QT"},
  };
  return kTypes;
}

std::optional<DocType> find_doc_type(std::string_view name) {
  for (const DocType& t : doc_types())
    if (t.name == name) return t;
  return std::nullopt;
}

}  // namespace xueji
