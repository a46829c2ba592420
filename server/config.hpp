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
  bool sdk_metadata = true;  // SdkHttpMetadata in codebuild task outputs
  bool show_help = false;
  bool show_version = false;
};

/// Parses argv (without argv[0]). Throws std::invalid_argument with a message for the user.
Config parse_args(const std::vector<std::string>& args);
std::string usage();

}  // namespace scl::server
