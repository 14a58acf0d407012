#pragma once
// Splitting a batch stack into students and documents, page by page, from what each page shows
// (a separator sheet, a blank, the 学籍号 and names read on it, the title). No I/O: the batch
// job feeds it pages in stack order and files them as it decides.
//
// Design notes
// - Deterministic: the same facts in the same order give the same decisions and the same
//   document numbers. Resuming a batch replays the facts of the pages already settled (from the
//   batch log) and so arrives at exactly the state the interrupted run had.
// - Never a wrong student: every page the splitter is unsure of goes to review, and so does
//   every page after it until a sure start (a valid sheet, or in text mode a roster 学籍号 read
//   exactly) — an unsure split never lets later pages run on into the previous student.
// - Sheets mode: a student sheet starts the student; a document-type sheet ends the document
//   and names the type of the next; a Patch-T sheet ends the document. Within a student, a
//   page whose title names another document type also starts a new document.
// - Text mode: a page carrying one roster 学籍号 starts that student (or continues them); two
//   roster numbers, a 学籍号-shaped string that is no roster number (unless it is one misread
//   character away from the current student's and from no one else's), or the (unique) name of
//   another student without the current one's, make the split unsure. Names never start a
//   student (重名): only numbers do.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "capture/separator_sheet.h"

namespace xueji {

enum class SplitMode { Sheets, Text };
const char* to_string(SplitMode mode);  // "sheets" | "text"

// What one page shows, as far as splitting is concerned.
struct PageFacts {
  std::optional<SheetCode> sheet;  // a separator sheet read
  bool sheet_misread = false;      // looks like a separator sheet, code not readable or not ours
  bool blank = false;
  std::vector<std::string> roster_ids;  // roster 学籍号 read in the text (distinct, in reading order)
  std::vector<std::string> other_ids;   // 学籍号-shaped strings that are no roster number
  std::vector<std::string> name_ids;    // students whose (unique) roster name is in the text
  std::string title_type;               // the document type the title names, empty if none
};

enum class PageAction { Sheet, Blank, Assign, Review };
const char* to_string(PageAction action);  // "sheet" | "blank" | "assign" | "review"

struct PageDecision {
  PageAction action = PageAction::Review;
  std::string student_id, doc_type;  // Assign
  int document = 0;                  // Assign: the batch's document number (1, 2, …)
  std::vector<std::string> notes;    // Review: why; Assign: flags for the report
};

struct SplitParams {
  SplitMode mode = SplitMode::Sheets;
  bool keep_blank = false;          // blank pages go into the document instead of being dropped
  int max_pages_per_document = 0;   // > 0: more pages flag the document (a separator missing?)
  std::string default_type = "其他";  // a document whose type nothing names
};

class BatchSplitter {
 public:
  BatchSplitter(SplitParams params, std::set<std::string> roster_ids);

  PageDecision next(const PageFacts& page);

 private:
  PageDecision assign(const PageFacts& page, std::vector<std::string> notes);
  PageDecision review(std::string why, bool unsure);
  void end_document();

  SplitParams params_;
  std::set<std::string> roster_;
  std::string student_;        // the student pages go to; empty: none (review)
  std::string sheet_type_;     // the type a document-type sheet named for the next document
  std::string doc_type_;       // the open document's type
  int document_ = 0;           // the open document's number; 0: none open
  int doc_pages_ = 0;
  bool type_from_title_ = false;
  int documents_ = 0;          // numbers given
};

}  // namespace xueji
