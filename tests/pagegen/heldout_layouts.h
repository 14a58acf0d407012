#pragma once
// The held-out "test" pages (PageSet::Test): a part of the generator nothing is tuned on.
// Other fonts than the tune pages (Song and Kai faces: AR PL, LXGW WenKai, Noto Serif CJK;
// labels and values in different faces), three layouts per kind that differ from the tune
// layout, other vocabulary (schools, names, comments), degradations from other ranges, faded
// pages and blank pages with mirrored bleed-through. Deterministic from the seed like the rest.
#include <vector>

#include "tests/pagegen/pagegen.h"

namespace xueji::testing::heldout {

constexpr int kLayoutsPerKind = 3;

// Renders a PageSpec with set == PageSet::Test (spec.layout -1: chosen by the seed). Throws
// std::runtime_error when a font is missing or lacks a glyph of the page's text.
GeneratedPage generate_page(const PageSpec& spec);

// A mixed test set: every kind and layout in turn, degradations drawn from the test ranges.
std::vector<PageSpec> mixed_specs(unsigned seed, int count);

// A valid student with a test-only name, birthplace and ethnicity.
StudentInfo student(unsigned seed);

}  // namespace xueji::testing::heldout
