// Reads WIDTH HEIGHT from argv and WIDTH*HEIGHT*3 RGB bytes from stdin; prints the PDQ
// hash (64 hex digits, the reference's order) and the quality.
#include <pdq/cpp/hashing/pdqhashing.h>
#include <cstdio>
#include <cstdlib>
#include <vector>
using namespace facebook::pdq::hashing;
int main(int argc, char** argv) {
  int w = atoi(argv[1]), h = atoi(argv[2]);
  std::vector<uint8_t> rgb(size_t(w) * h * 3);
  if (fread(rgb.data(), 1, rgb.size(), stdin) != rgb.size()) return 2;
  std::vector<float> b1(size_t(w) * h), b2(size_t(w) * h);
  fillFloatLumaFromRGB(&rgb[0], &rgb[1], &rgb[2], h, w, w * 3, 3, b1.data());
  static float a[64][64], t[16][64], b[16][16];
  Hash256 hash;
  int quality;
  pdqHash256FromFloatLuma(b1.data(), b2.data(), h, w, a, t, b, hash, quality);
  for (int i = 15; i >= 0; i--) printf("%04hx", hash.w[i]);
  printf(" %d\n", quality);
}
