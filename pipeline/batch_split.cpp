#include "pipeline/batch_split.h"

#include <algorithm>
#include <utility>

namespace xueji {
namespace {

// Levenshtein distance, stopping early above `limit` (IDs are short).
int distance(const std::string& a, const std::string& b, int limit) {
  if (static_cast<int>(a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > limit) return limit + 1;
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    int best = cur[0];
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
      best = std::min(best, cur[j]);
    }
    if (best > limit) return limit + 1;
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

const char* to_string(SplitMode mode) { return mode == SplitMode::Text ? "text" : "sheets"; }

const char* to_string(PageAction action) {
  switch (action) {
    case PageAction::Sheet: return "sheet";
    case PageAction::Blank: return "blank";
    case PageAction::Assign: return "assign";
    case PageAction::Review: return "review";
  }
  return "review";
}

BatchSplitter::BatchSplitter(SplitParams params, std::set<std::string> roster_ids)
    : params_(std::move(params)), roster_(std::move(roster_ids)) {}

void BatchSplitter::end_document() {
  document_ = 0;
  doc_pages_ = 0;
  doc_type_.clear();
  type_from_title_ = false;
}

PageDecision BatchSplitter::review(std::string why, bool unsure) {
  if (unsure) {  // later pages wait for a sure start
    student_.clear();
    sheet_type_.clear();
    end_document();
  }
  PageDecision d;
  d.action = PageAction::Review;
  d.notes.push_back(std::move(why));
  return d;
}

PageDecision BatchSplitter::assign(const PageFacts& page, std::vector<std::string> notes) {
  // A title naming another type than the open document's (whose type came from a title too, or
  // from nothing) starts the next document of the same student.
  if (document_ && !page.title_type.empty() && page.title_type != doc_type_ && (type_from_title_ || doc_type_ == params_.default_type))
    end_document();
  if (!document_) {
    document_ = ++documents_;
    doc_pages_ = 0;
    if (!sheet_type_.empty()) {
      doc_type_ = sheet_type_;
      type_from_title_ = false;
    } else if (!page.title_type.empty()) {
      doc_type_ = page.title_type;
      type_from_title_ = true;
    } else {
      doc_type_ = params_.default_type;
      type_from_title_ = false;
      notes.push_back("document type not named on its first page: filed as " + params_.default_type);
    }
    sheet_type_.clear();
  }
  ++doc_pages_;
  if (params_.max_pages_per_document > 0 && doc_pages_ > params_.max_pages_per_document)
    notes.push_back("document longer than " + std::to_string(params_.max_pages_per_document) +
                    " pages: a separator may be missing");
  PageDecision d;
  d.action = PageAction::Assign;
  d.student_id = student_;
  d.doc_type = doc_type_;
  d.document = document_;
  d.notes = std::move(notes);
  return d;
}

PageDecision BatchSplitter::next(const PageFacts& page) {
  if (page.sheet) {
    const SheetCode& s = *page.sheet;
    PageDecision d;
    d.action = PageAction::Sheet;
    end_document();
    switch (s.kind) {
      case SheetKind::Student:
        sheet_type_.clear();
        if (!roster_.count(s.student_id)) {
          student_.clear();
          return review("separator sheet of a student who is not in this batch's roster", true);
        }
        student_ = s.student_id;
        d.student_id = s.student_id;
        break;
      case SheetKind::DocType:
        if (student_.empty()) return review("document-type sheet before any student", true);
        sheet_type_ = s.doc_type;
        d.doc_type = s.doc_type;
        break;
      case SheetKind::NextDocument:
        if (student_.empty()) return review("next-document sheet before any student", true);
        sheet_type_.clear();
        break;
    }
    return d;
  }
  if (page.sheet_misread) return review("separator sheet not readable: the pages after it wait for review", true);
  if (page.blank && !params_.keep_blank) {
    PageDecision d;
    d.action = PageAction::Blank;
    return d;
  }
  if (page.blank) {  // kept: goes with the open document, never starts one
    if (student_.empty() || !document_) return review("blank page outside any document", false);
    return assign(page, {"blank"});
  }

  if (params_.mode == SplitMode::Text) {
    if (page.roster_ids.size() > 1)
      return review("the page carries the 学籍号 of " + std::to_string(page.roster_ids.size()) + " students", true);
    if (page.roster_ids.size() == 1) {
      const std::string& id = page.roster_ids.front();
      for (const std::string& n : page.name_ids)
        if (n != id) return review("the page names another student than its 学籍号 " + id, true);
      if (id != student_) {
        student_ = id;
        sheet_type_.clear();
        end_document();
      }
      return assign(page, {});
    }
    if (!page.other_ids.empty()) {
      // One misread character in the current student's own number is still theirs, when it is
      // no closer to anyone else's.
      bool theirs = !student_.empty();
      for (const std::string& other : page.other_ids) {
        if (!theirs) break;
        if (distance(other, student_, 1) > 1) theirs = false;
        for (const std::string& r : roster_)
          if (theirs && r != student_ && distance(other, r, 2) <= 2) theirs = false;
      }
      if (!theirs)
        return review("a 学籍号 that is on no roster (misread?): " + page.other_ids.front(), true);
    }
    // Another student's name, and not the current one's: their first page without a number?
    if (!page.name_ids.empty() &&
        std::find(page.name_ids.begin(), page.name_ids.end(), student_) == page.name_ids.end())
      return review(page.other_ids.empty() ? "the page names another student than the one being filed"
                                           : "another student's name beside a 学籍号 not read exactly",
                    true);
  }
  if (student_.empty())
    return review(params_.mode == SplitMode::Text ? "no student yet: no roster 学籍号 read since the start or an unsure split"
                                                  : "no student yet: no separator sheet read since the start or a misread one",
                  false);
  return assign(page, {});
}

}  // namespace xueji
