// GatewayCore's operator actions: halt, resume, kill, end of day, and reference-data reloads
// (checked and submitted here, applied when the engine's result comes back).
#include "gateway/core_state.hpp"

#include <exception>
#include <memory>
#include <string>

#include "gateway/log.hpp"
#include "reference-data/loader.hpp"
#include "reference-data/reload.hpp"

namespace rex::gateway {

namespace {

using refdata::Role;

}  // namespace

void GatewayCore::Impl::operator_action(SessionId id, SessionState& s, const Request& r) {
  if (!s.operator_role) return reject(id, r, GatewayReject::kRoleNotPermitted, "needs the operator role");
  matcher::Command c;
  c.participant = s.participant->id;
  switch (r.op) {
    case Op::kHalt:
    case Op::kResume:
      c.type = r.op == Op::kHalt ? matcher::CommandType::kHalt : matcher::CommandType::kResume;
      c.instrument = r.instrument;
      c.commodity = r.commodity;
      break;
    case Op::kKill:
      c.type = matcher::CommandType::kMassCancel;
      c.participant = r.participant;
      c.instrument = matcher::kAnyInstrument;
      break;
    case Op::kEndOfDay:
      c.type = matcher::CommandType::kEndOfDay;
      break;
    default:
      return reload_reference_data(id, s, r);
  }
  submit(id, r, c, participant_pending(s));
}

// Re-reads the configured catalogue file, checks it may replace the one in force, and submits it
// (docs/reference-data.md "Reloading"). The switch happens when its result comes back.
void GatewayCore::Impl::reload_reference_data(SessionId id, SessionState& s, const Request& r) {
  if (config.catalogue_file.empty()) return reject(id, r, GatewayReject::kNotSupported, "no catalogue file configured");
  if (reload_in_flight) return reject(id, r, GatewayReject::kBusy, "a reload is in flight");
  const std::string who = "reload of " + config.catalogue_file.string() + " asked by " + s.participant->code;
  std::shared_ptr<const refdata::Catalogue> next;
  try {
    next = std::make_shared<const refdata::Catalogue>(refdata::load_catalogue_file(config.catalogue_file));
  } catch (const std::exception& e) {
    log_warn("gateway", who + " refused: " + e.what());
    return reject(id, r, GatewayReject::kReferenceDataRefused, e.what());
  }
  if (const std::string problem = refdata::check_reload(*catalogue, *next); !problem.empty()) {
    log_warn("gateway", who + " refused: " + problem);
    return reject(id, r, GatewayReject::kReferenceDataRefused, problem);
  }
  log_info("gateway", who + ": catalogue " + next->version() + " submitted");
  reload_in_flight = submit(id, r, {}, participant_pending(s), std::move(next));
}

// The engine applied a reload: the gateway's catalogue-derived state follows, and subscribers of
// the instrument list get the new list.
void GatewayCore::Impl::apply_reference_data(const std::shared_ptr<const refdata::Catalogue>& next) {
  if (!next) return;
  log_info("gateway", "reference data in force: catalogue " + next->version() + " (sha256 " +
                          next->content_hash().substr(0, 16) + "...)");
  catalogue = next;
  catalogues.push_back(next);
  if (!config.key_file.empty()) {
    try {
      keys = KeyStore::load_file(config.key_file, *catalogue, config.cancel_on_disconnect_default);
    } catch (const std::exception& e) {
      log_warn("gateway", std::string("reference data reloaded, but the key file was not read again (the keys in use "
                                       "stay): ") + e.what());
    }
  } else if (config.demo_keys) {
    keys.add_demo_keys(*catalogue, config.cancel_on_disconnect_default);
  }
  for (const auto& p : catalogue->participants()) {
    if (!participants.count(p.id)) {
      participants[p.id].cancel_on_disconnect = keys.cancel_on_disconnect(p.id, config.cancel_on_disconnect_default);
    }
  }
  for (auto& [session, state] : sessions) {  // names, roles, permissions and limits as now published
    if (!state.participant) continue;
    state.participant = catalogue->find_participant(state.participant->id);
    state.trader = state.participant->has_role(Role::kTrader);
    state.operator_role = state.participant->has_role(Role::kOperator);
  }
  send_all(instruments_subscribers, instruments_message());
}

}  // namespace rex::gateway
