#pragma once
// Command-line configuration of the emulator binary (README "Flags").

#include <optional>
#include <string>
#include <vector>

#include "engine/codebuild/simulation.hpp"

namespace scl::server {

struct Config {
  std::string host = "127.0.0.1";
  int port = 8083;
  std::string data_dir = "./data";
  bool manual_clock = false;
  double time_scale = 1.0;
  codebuild::SimulationDefaults simulation;
  std::string rules_file;
  int threads = 0;  // 0 = number of cores
  int workers = 0;  // execution-step workers; 0 = number of cores
  std::string log_level = "info";
  std::string account_id = "123456789012";
  std::string region = "us-east-1";
  std::size_t max_body_bytes = 6 * 1024 * 1024;
  std::size_t max_connections = 0;  // 0: RLIMIT_NOFILE minus a reserve (server::default_max_connections)
  /// SIMULATE_REPORT_FILE must resolve inside this directory. Unset: unrestricted when --host is
  /// loopback, the data dir otherwise (see effective_report_root).
  std::optional<std::string> report_root;
  bool sdk_metadata = true;  // SdkHttpMetadata in codebuild task outputs
  bool show_help = false;
  bool show_version = false;
};

/// The directory SIMULATE_REPORT_FILE is confined to: --report-root, else "" (unrestricted) when
/// listening on a loopback address, else the data dir.
std::string effective_report_root(const Config& c);

/// Parses argv (without argv[0]). Throws std::invalid_argument with a message for the user.
Config parse_args(const std::vector<std::string>& args);
std::string usage();

}  // namespace scl::server
