#include "persistence/origin_codec.hpp"

namespace rex::persistence {

void encode_origin(const exchange::Origin& o, ByteWriter& w) {
  const bool client_id = o.client_order_id_size != 0;
  SectionWriter section(w, client_id ? kOriginCodecVersionClientId : kOriginCodecVersion);
  w.varint(o.gateway);
  w.varint(o.session);
  w.varint(o.request);
  if (client_id) {
    w.u8(o.client_order_id_size);
    w.bytes(o.client_order_id());
  }
}

bool decode_origin(ByteReader& r, exchange::Origin& o, std::string* why) {
  const Section s = read_section(r);
  if (r.failed() || (s.version != kOriginCodecVersion && s.version != kOriginCodecVersionClientId)) return false;
  ByteReader b(s.body);
  const std::uint64_t gateway = b.varint();
  o.session = b.varint();
  o.request = b.varint();
  o.gateway = static_cast<std::uint32_t>(gateway);
  o.set_client_order_id({});
  if (s.version == kOriginCodecVersionClientId) {
    const std::uint8_t n = b.u8();
    if (n == 0 || n > exchange::Origin::kMaxClientOrderId) return false;
    const std::string_view id = b.bytes(n);
    if (b.failed()) return false;
    if (!o.set_client_order_id(id)) {  // bytes no gateway accepts: the journal was edited
      if (why) *why = kBadClientOrderId;
      return false;
    }
  }
  return !b.failed() && b.remaining() == 0 && gateway <= UINT32_MAX;
}

}  // namespace rex::persistence
