// xueji-pagegen: writes generated test pages with their ground truth.
//   xueji-pagegen --out DIR --mixed N [--seed S]          a mixed, degraded set
//   xueji-pagegen --out DIR --mixed N --set stress        tune pages with the hard cases (tuning ranges)
//   xueji-pagegen --out DIR --mixed N --set test          the held-out test set (never tune on it)
//   xueji-pagegen --out DIR --stem NAME --kind 学籍卡 --id G... --name 张三 [--skew 2] ...
//   xueji-pagegen --degrade IN.png --out-image OUT.png --seed S [--dpi 200|300|600] [--photocopy] [--gray]
//                 [--in-dpi D] [--orientation O] [--skew A]
//       scans any rendered page again, badly (tests/pagegen/scan_degrade.h); prints what was done as JSON
#include <iostream>

#include <opencv2/imgcodecs.hpp>

#include <CLI/CLI.hpp>

#include "tests/pagegen/pagegen.h"
#include "tests/pagegen/scan_degrade.h"

using namespace xueji::testing;

int main(int argc, char** argv) {
  CLI::App app{"Xueji test-page generator"};
  std::string out, stem = "page", kind = "学籍卡";
  int mixed = 0;
  unsigned seed = 1;
  StudentInfo s;
  Degradation d;
  app.add_option("--out", out, "output folder (not with --degrade)");
  app.add_option("--mixed", mixed, "write N pages mixing all kinds and degradations");
  app.add_option("--seed", seed, "random seed");
  std::string set = "tune";
  app.add_option("--set", set,
                 "tune: the pages OCR is tuned on; stress: tune pages with faded ink, dark seals and bleed-through "
                 "blanks (tuning ranges); test: held-out pages (other fonts, layouts, degradations)")
      ->check(CLI::IsMember({"tune", "test", "stress"}));
  int layout = -1;
  app.add_option("--layout", layout, "with --set test: layout 0..2 of the kind (default: chosen by seed)")
      ->check(CLI::Range(-1, 2));
  bool seal_twins = false;
  app.add_flag("--seal-twins", seal_twins, "with --mixed: also write each sealed page without its seal (twin-NNNN)");
  app.add_option("--stem", stem, "file name stem for a single page");
  app.add_option("--kind", kind, "学籍卡|成绩单|体检表|奖惩记录|毕业生登记表");
  app.add_option("--id", s.id, "学籍号 (G + ID number)");
  app.add_option("--name", s.name, "姓名");
  app.add_option("--gender", s.gender, "性别");
  app.add_option("--birth", s.birth_date, "出生日期");
  app.add_option("--grade", s.grade, "年级");
  app.add_option("--class", s.class_name, "班级");
  auto* skew_opt = app.add_option("--skew", d.skew_deg, "skew in degrees (counter-clockwise positive)");
  auto* orientation_opt = app.add_option("--orientation", d.orientation, "0|90|180|270");
  app.add_option("--border", d.border_px, "dark border width, pixels");
  app.add_option("--noise", d.noise_sigma, "noise sigma");
  app.add_option("--jpeg", d.jpeg_quality, "JPEG quality (0: PNG)");
  app.add_flag("--seal", d.red_seal, "red seal over text");
  app.add_flag("--holes", d.punch_holes, "punch holes");
  app.add_flag("--blank", d.blank, "blank page");
  app.add_option("--ink", d.ink_strength, "with --set test: ink strength, below 1 a faded page (0.25..0.45)")
      ->check(CLI::Range(0.05, 1.0));
  app.add_option("--bleed", d.bleed_through, "with --set test: bleed-through of the other side, gray levels")
      ->check(CLI::Range(0, 80));
  std::string degrade_in, degrade_out;
  double scan_dpi = 300, in_dpi = 0;
  bool photocopy = false, gray = false;
  app.add_option("--degrade", degrade_in, "scan this page image again, badly (with --out-image)");
  app.add_option("--out-image", degrade_out, "with --degrade: the image to write (.png, .jpg, .tif)");
  app.add_option("--dpi", scan_dpi, "with --degrade: dpi of the scan (default 300)")->check(CLI::Range(50.0, 1200.0));
  app.add_option("--in-dpi", in_dpi, "with --degrade: dpi of the input (default: from its width, as A4)")
      ->check(CLI::Range(50.0, 2400.0));
  app.add_flag("--photocopy", photocopy, "with --degrade: a photocopy (contrast, grey cast, toner specks, dark edge)");
  app.add_flag("--gray", gray, "with --degrade: a gray scan (default colour)");
  CLI11_PARSE(app, argc, argv);
  if (!degrade_in.empty()) {
    const cv::Mat in = cv::imread(degrade_in, cv::IMREAD_COLOR);
    if (in.empty() || degrade_out.empty()) {
      std::cerr << (in.empty() ? "cannot read " + degrade_in : std::string("--degrade needs --out-image")) << "\n";
      return 2;
    }
    if (in_dpi <= 0) in_dpi = std::min(in.cols, in.rows) / (210.0 / 25.4);
    ScanDegradation sd = random_scan_degradation(seed, in_dpi, scan_dpi, photocopy, gray);
    if (orientation_opt->count()) sd.orientation = d.orientation;
    if (skew_opt->count()) sd.skew_deg = d.skew_deg;
    if (!cv::imwrite(degrade_out, degrade_scan(in, sd))) {
      std::cerr << "cannot write " << degrade_out << "\n";
      return 1;
    }
    std::cout << to_json(sd).dump() << "\n";
    return 0;
  }
  if (out.empty()) {
    std::cerr << "--out is required\n";
    return 2;
  }
  const PageSet page_set = set == "test" ? PageSet::Test : set == "stress" ? PageSet::Stress : PageSet::Tune;
  if (page_set == PageSet::Tune && (layout >= 0 || d.ink_strength < 1 || d.bleed_through > 0)) {
    std::cerr << "--layout, --ink and --bleed need --set test\n";
    return 2;
  }

  if (mixed > 0) {
    const auto specs = mixed_specs(seed, mixed, page_set);
    for (size_t i = 0; i < specs.size(); ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "page-%04zu", i + 1);
      write_page(generate_page(specs[i]), specs[i], out, name);
      if (seal_twins && specs[i].degrade.red_seal && !specs[i].degrade.blank) {
        PageSpec twin = specs[i];  // the same page, degradations and all, without the seal
        twin.degrade.red_seal = false;
        write_page(generate_page(twin), twin, out, std::string("twin-") + (name + 5));
      }
    }
    std::cout << "wrote " << specs.size() << " pages to " << out << "\n";
    return 0;
  }
  PageSpec spec;
  spec.seed = seed;
  spec.set = page_set;
  spec.layout = layout;
  StudentInfo base = random_student(seed, page_set);
  if (s.id.empty()) s.id = base.id;
  if (s.id.size() == 19) base.id_number = s.id.substr(1);
  if (s.name.empty()) s.name = base.name;
  if (s.gender.empty()) s.gender = base.gender;
  if (s.birth_date.empty()) s.birth_date = base.birth_date;
  if (s.grade.empty()) s.grade = base.grade;
  if (s.class_name.empty()) s.class_name = base.class_name;
  s.id_number = base.id_number;
  s.ethnicity = base.ethnicity;
  s.native_place = base.native_place;
  spec.student = s;
  spec.degrade = d;
  bool found = false;
  for (int k = 0; k < 5; ++k)
    if (kind == kind_name(static_cast<PageKind>(k))) {
      spec.kind = static_cast<PageKind>(k);
      found = true;
    }
  if (!found) {
    std::cerr << "unknown kind " << kind << "\n";
    return 2;
  }
  std::cout << write_page(generate_page(spec), spec, out, stem) << "\n";
  return 0;
}
