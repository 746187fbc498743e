// CPU lists as taskset takes them ("1", "0,2", "0-3") and pinning the calling thread to one: rexd's
// io_cpus (its network threads on cores of their own) and rex-load's --cpus. On two shared cores
// the gateway's I/O thread kept off the load generator's core held p99 under 2 ms at 32
// connections where it was 3-5 ms otherwise (bench/RESULTS.md).
#pragma once

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace rex::gateway {

// The CPUs this process may run on, as a list ("0-1" style, for messages).
inline std::string allowed_cpus_text() {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (::sched_getaffinity(0, sizeof allowed, &allowed) != 0) return "unknown";
  std::string out;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (!CPU_ISSET(cpu, &allowed)) continue;
    int last = cpu;
    while (last + 1 < CPU_SETSIZE && CPU_ISSET(last + 1, &allowed)) ++last;
    if (!out.empty()) out += ',';
    out += std::to_string(cpu);
    if (last > cpu) out += '-' + std::to_string(last);
    cpu = last;
  }
  return out;
}

// Sorted, without repeats. Throws std::invalid_argument naming what is wrong: the syntax, an empty
// list, or a CPU this process may not run on.
inline std::vector<unsigned> parse_cpu_list(std::string_view text) {
  const std::string whole(text);
  auto number = [&](std::string_view s) {
    unsigned v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) {
      throw std::invalid_argument("'" + whole + "' is not a CPU list (e.g. 1, 0,2 or 0-3)");
    }
    return v;
  };
  std::vector<unsigned> cpus;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = whole.find(',', start);
    const std::string_view part = std::string_view(whole).substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const std::size_t dash = part.find('-');
    const unsigned first = number(part.substr(0, dash));
    const unsigned last = dash == std::string_view::npos ? first : number(part.substr(dash + 1));
    if (last < first) throw std::invalid_argument("'" + whole + "': a range runs from low to high (0-3)");
    if (last >= CPU_SETSIZE) throw std::invalid_argument("'" + whole + "': CPU " + std::to_string(last) + " does not exist");
    for (unsigned c = first; c <= last; ++c) cpus.push_back(c);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (::sched_getaffinity(0, sizeof allowed, &allowed) == 0) {
    for (unsigned c : cpus) {
      if (!CPU_ISSET(c, &allowed)) {
        throw std::invalid_argument("'" + whole + "': CPU " + std::to_string(c) + " is not one this process may run on (" +
                                    allowed_cpus_text() + ")");
      }
    }
  }
  return cpus;
}

// Pins the calling thread to `cpus`; an errno when the kernel refuses, else 0.
inline int pin_this_thread(const std::vector<unsigned>& cpus) {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (unsigned c : cpus) CPU_SET(c, &set);
  return ::pthread_setaffinity_np(::pthread_self(), sizeof set, &set);
}

}  // namespace rex::gateway
