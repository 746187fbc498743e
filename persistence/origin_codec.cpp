#include "persistence/origin_codec.hpp"

namespace rex::persistence {

void encode_origin(const exchange::Origin& o, ByteWriter& w) {
  SectionWriter section(w, kOriginCodecVersion);
  w.varint(o.gateway);
  w.varint(o.session);
  w.varint(o.request);
}

bool decode_origin(ByteReader& r, exchange::Origin& o) {
  const Section s = read_section(r);
  if (r.failed() || s.version != kOriginCodecVersion) return false;
  ByteReader b(s.body);
  const std::uint64_t gateway = b.varint();
  o.session = b.varint();
  o.request = b.varint();
  o.gateway = static_cast<std::uint32_t>(gateway);
  return !b.failed() && b.remaining() == 0 && gateway <= UINT32_MAX;
}

}  // namespace rex::persistence
