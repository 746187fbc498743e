#include "persistence/origin_codec.hpp"

namespace rex::persistence {

void encode_origin(const exchange::Origin& o, ByteWriter& w) {
  SectionWriter section(w, kOriginCodecVersion);
  w.u32(o.gateway);
  w.u64(o.session);
  w.u64(o.request);
}

bool decode_origin(ByteReader& r, exchange::Origin& o) {
  const Section s = read_section(r);
  if (r.failed() || s.version != kOriginCodecVersion || s.body.size() != kOriginBodyV1Bytes) return false;
  ByteReader b(s.body);
  o.gateway = b.u32();
  o.session = b.u64();
  o.request = b.u64();
  return !b.failed();
}

}  // namespace rex::persistence
