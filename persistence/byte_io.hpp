// Byte writing and bounds-checked reading for the journal (docs/journal-format.md): fixed-width
// integers are big-endian (keys sort by number, a hex dump reads left to right); "varint" is
// unsigned LEB128 (7 bits a byte, least significant group first, high bit = more follows) and
// "zigzag" maps a signed value to unsigned ((v << 1) ^ (v >> 63)) before LEB128.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rex::persistence {

class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) {}

  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u16(std::uint16_t v) { put(v, 2); }
  void u32(std::uint32_t v) { put(v, 4); }
  void u64(std::uint64_t v) { put(v, 8); }
  void i64(std::int64_t v) { put(static_cast<std::uint64_t>(v), 8); }
  void bytes(std::string_view b) { out_.append(b); }
  void varint(std::uint64_t v) {
    char b[10];  // 64 bits in 7-bit groups
    std::size_t n = 0;
    while (v >= 0x80) {
      b[n++] = static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    b[n++] = static_cast<char>(v);
    out_.append(b, n);
  }
  void zigzag(std::int64_t v) {
    varint((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
  }
  std::size_t size() const { return out_.size(); }
  std::string& buffer() { return out_; }

 private:
  void put(std::uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) out_.push_back(static_cast<char>(v >> (8 * i)));
  }
  std::string& out_;
};

// Reads past the end return 0 and set failed(); callers check once at the end.
class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}

  std::uint8_t u8() { return static_cast<std::uint8_t>(get(1)); }
  std::uint16_t u16() { return static_cast<std::uint16_t>(get(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(get(4)); }
  std::uint64_t u64() { return get(8); }
  std::int64_t i64() { return static_cast<std::int64_t>(get(8)); }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) break;
      const auto b = static_cast<std::uint8_t>(in_[pos_++]);
      if (shift == 63 && b > 1) break;  // more than 64 bits
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    failed_ = true;
    pos_ = in_.size();
    return 0;
  }
  std::int64_t zigzag() {
    const std::uint64_t u = varint();
    return static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }
  std::string_view bytes(std::size_t n) {
    if (in_.size() - pos_ < n) {
      failed_ = true;
      pos_ = in_.size();
      return {};
    }
    const std::string_view b = in_.substr(pos_, n);
    pos_ += n;
    return b;
  }
  bool failed() const { return failed_; }
  std::size_t remaining() const { return in_.size() - pos_; }
  std::size_t position() const { return pos_; }

 private:
  std::uint64_t get(std::size_t n) {
    if (in_.size() - pos_ < n) {
      failed_ = true;
      pos_ = in_.size();
      return 0;
    }
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<std::uint8_t>(in_[pos_ + i]);
    pos_ += n;
    return v;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
  bool failed_ = false;
};

// A versioned section: u8 version, varint body length, body. Lets a codec grow new fields (a new
// version, a longer body) while old records stay readable.
class SectionWriter {
 public:
  SectionWriter(ByteWriter& w, std::uint8_t version) : w_(w) {
    w_.u8(version);
    length_at_ = w_.size();
    w_.u8(0);  // the length, patched below: one byte for any body under 128 bytes
  }
  ~SectionWriter() {
    const std::size_t length = w_.size() - length_at_ - 1;
    if (length < 0x80) {
      w_.buffer()[length_at_] = static_cast<char>(length);
      return;
    }
    std::string varint;  // a longer body (snapshots): make room for the longer length
    ByteWriter l(varint);
    l.varint(length);
    w_.buffer().replace(length_at_, 1, varint);
  }
  SectionWriter(const SectionWriter&) = delete;
  SectionWriter& operator=(const SectionWriter&) = delete;

 private:
  ByteWriter& w_;
  std::size_t length_at_ = 0;
};

struct Section {
  std::uint8_t version = 0;
  std::string_view body;
};

// Reads one section header and its body; failed() on the reader if it does not fit.
inline Section read_section(ByteReader& r) {
  Section s;
  s.version = r.u8();
  const std::uint64_t length = r.varint();
  s.body = r.bytes(length);
  return s;
}

}  // namespace rex::persistence
