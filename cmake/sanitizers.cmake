# Instrumentation for the sanitizer test run (XUEJI_SANITIZE) and the fuzz build (XUEJI_FUZZ).
# Both apply to every target defined after this file is included, so the project's libraries
# are instrumented as the tests and fuzz targets that link them. The default build is untouched.
if(XUEJI_SANITIZE AND XUEJI_FUZZ)
  message(FATAL_ERROR "XUEJI_SANITIZE and XUEJI_FUZZ are separate builds: choose one")
endif()

if(XUEJI_SANITIZE)
  # A UBSan report aborts (fails the test) instead of printing and going on.
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

if(XUEJI_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "XUEJI_FUZZ needs clang (-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++)")
  endif()
  # Libraries get coverage instrumentation without libFuzzer's main; the fuzz targets link
  # -fsanitize=fuzzer (tests/fuzz/CMakeLists.txt).
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
