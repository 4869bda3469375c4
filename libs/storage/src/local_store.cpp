// The local directory store. Every path is opened relative to the root's descriptor one
// segment at a time with O_NOFOLLOW, so a symbolic link planted anywhere under the root
// is refused rather than followed; keys are checked by valid_key before any use.
// File I/O here is synchronous on the calling thread: this store is for development and
// single-machine installs; production uses the S3 store.

#include <ignition/storage/store.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <ignition/common/crypto.hpp>

namespace ignition::storage {

namespace {

constexpr std::size_t read_piece = 256 * 1024;
constexpr const char* uploads_dir = ".uploads";  // never a key segment: keys have no '.'

[[noreturn]] void fail(const std::string& what) {
  throw StorageUnavailable("local store: " + what + ": " + std::strerror(errno));
}

// An owned file descriptor.
class Fd {
 public:
  explicit Fd(int fd = -1) noexcept : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    std::swap(fd_, o.fd_);
    return *this;
  }
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const noexcept { return fd_; }
  int release() noexcept { return std::exchange(fd_, -1); }
  explicit operator bool() const noexcept { return fd_ >= 0; }

 private:
  int fd_;
};

std::vector<std::string_view> segments(std::string_view key) {
  std::vector<std::string_view> out;
  while (!key.empty()) {
    auto slash = key.find('/');
    out.push_back(key.substr(0, slash));
    key = slash == std::string_view::npos ? std::string_view{} : key.substr(slash + 1);
  }
  return out;
}

class LocalStore;

class LocalUpload final : public Upload {
 public:
  LocalUpload(int root, Fd file, std::string temp_name, std::string key)
      : root_(root), file_(std::move(file)), temp_name_(std::move(temp_name)), key_(std::move(key)) {}
  ~LocalUpload() override { discard(); }

  boost::asio::awaitable<void> write(std::string_view bytes) override {
    while (!bytes.empty()) {
      const auto n = ::write(file_.get(), bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail("writing an object");
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    co_return;
  }

  boost::asio::awaitable<void> commit() override;

  boost::asio::awaitable<void> abort() override {
    discard();
    co_return;
  }

 private:
  void discard() noexcept {
    if (temp_name_.empty()) return;
    file_ = Fd();
    if (Fd uploads{::openat(root_, uploads_dir, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)})
      ::unlinkat(uploads.get(), temp_name_.c_str(), 0);
    temp_name_.clear();
  }

  int root_;
  Fd file_;
  std::string temp_name_;  // empty once committed or discarded
  std::string key_;
};

// The directory that holds `key`'s file, opened segment by segment without following
// links; created when `create`. An empty Fd when it does not exist.
Fd parent_of(int root, std::string_view key, bool create) {
  const auto parts = segments(key);
  Fd dir{::dup(root)};
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    const std::string name(parts[i]);
    if (create && ::mkdirat(dir.get(), name.c_str(), 0750) != 0 && errno != EEXIST) fail("creating a directory");
    Fd next{::openat(dir.get(), name.c_str(), O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)};
    if (!next) {
      if (errno == ENOENT && !create) return Fd();
      fail("opening a directory");  // ELOOP/ENOTDIR: a link or a file where a directory should be
    }
    dir = std::move(next);
  }
  return dir;
}

std::string leaf(std::string_view key) { return std::string(key.substr(key.rfind('/') + 1)); }

boost::asio::awaitable<void> LocalUpload::commit() {
  if (::fsync(file_.get()) != 0) fail("flushing an object");
  file_ = Fd();
  Fd parent = parent_of(root_, key_, true);
  Fd uploads{::openat(root_, uploads_dir, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)};
  if (!uploads) fail("opening the uploads directory");
  // Atomic: readers see the whole object or none.
  if (::renameat(uploads.get(), temp_name_.c_str(), parent.get(), leaf(key_).c_str()) != 0) fail("storing an object");
  temp_name_.clear();
  co_return;
}

class LocalStore final : public Store {
 public:
  explicit LocalStore(const std::filesystem::path& root) {
    std::filesystem::create_directories(root);
    root_ = Fd{::open(root.c_str(), O_DIRECTORY | O_CLOEXEC)};
    if (!root_) fail("opening " + root.string());
    if (::mkdirat(root_.get(), uploads_dir, 0750) != 0 && errno != EEXIST) fail("creating the uploads directory");
  }

  boost::asio::awaitable<std::unique_ptr<Upload>> begin_upload(std::string key, std::string) override {
    check(key);
    Fd uploads{::openat(root_.get(), uploads_dir, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)};
    if (!uploads) fail("opening the uploads directory");
    std::string temp = crypto::to_hex(crypto::random_bytes(16));
    Fd file{::openat(uploads.get(), temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640)};
    if (!file) fail("creating an object");
    co_return std::make_unique<LocalUpload>(root_.get(), std::move(file), std::move(temp), std::move(key));
  }

  boost::asio::awaitable<std::optional<ObjectInfo>> head(std::string key) override {
    check(key);
    co_return stat_of(key);
  }

  boost::asio::awaitable<bool> read(std::string key, std::optional<ByteRange> range, const Write& write) override {
    check(key);
    Fd parent = parent_of(root_.get(), key, false);
    if (!parent) co_return false;
    Fd file{::openat(parent.get(), leaf(key).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)};
    if (!file) {
      if (errno == ENOENT) co_return false;
      fail("opening an object");
    }
    struct stat st {};
    if (::fstat(file.get(), &st) != 0) fail("reading an object");
    const auto size = static_cast<std::uint64_t>(st.st_size);
    const ByteRange span = range.value_or(ByteRange{0, size == 0 ? 0 : size - 1});
    if (size == 0 || span.first >= size) co_return true;  // nothing to send
    std::uint64_t at = span.first;
    const std::uint64_t end = std::min(span.last + 1, size);
    std::string buffer(read_piece, '\0');
    while (at < end) {
      const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(read_piece, end - at));
      const auto n = ::pread(file.get(), buffer.data(), want, static_cast<off_t>(at));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) fail("reading an object");
      co_await write(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
      at += static_cast<std::uint64_t>(n);
    }
    co_return true;
  }

  boost::asio::awaitable<bool> remove(std::string key) override {
    check(key);
    Fd parent = parent_of(root_.get(), key, false);
    if (!parent) co_return false;
    if (::unlinkat(parent.get(), leaf(key).c_str(), 0) != 0) {
      if (errno == ENOENT) co_return false;
      fail("removing an object");
    }
    co_return true;
  }

  boost::asio::awaitable<std::vector<ObjectInfo>> list(std::string prefix) override {
    // The prefix names a directory ("users/<id>/") or a key start within one.
    const std::string directory = prefix.substr(0, prefix.rfind('/') == std::string::npos ? 0 : prefix.rfind('/'));
    if (!directory.empty()) check(directory);
    std::vector<ObjectInfo> out;
    Fd dir = directory.empty() ? Fd{::dup(root_.get())} : parent_of(root_.get(), directory + "/x", false);
    if (!dir) co_return out;
    walk(dir.get(), directory, prefix, out);
    co_return out;
  }

  std::optional<std::string> presigned_get(const std::string&, std::chrono::seconds) const override {
    return std::nullopt;
  }

  boost::asio::awaitable<bool> reachable() override { co_return ::faccessat(root_.get(), ".", W_OK, 0) == 0; }

  std::string_view kind() const noexcept override { return "local"; }

 private:
  static void check(std::string_view key) {
    if (!valid_key(key)) throw std::invalid_argument("not a storage key");
  }

  std::optional<ObjectInfo> stat_of(const std::string& key) {
    Fd parent = parent_of(root_.get(), key, false);
    if (!parent) return std::nullopt;
    struct stat st {};
    if (::fstatat(parent.get(), leaf(key).c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) return std::nullopt;
      fail("reading an object's size");
    }
    if (!S_ISREG(st.st_mode)) return std::nullopt;
    return ObjectInfo{key, static_cast<std::uint64_t>(st.st_size)};
  }

  // Regular files under `dir` (named `path` from the root) whose key starts with `prefix`.
  void walk(int dir, const std::string& path, const std::string& prefix, std::vector<ObjectInfo>& out) {
    Fd copy{::dup(dir)};
    DIR* listing = ::fdopendir(copy.get());
    if (!listing) fail("listing objects");
    copy.release();  // the DIR owns it now
    while (const dirent* entry = ::readdir(listing)) {
      const std::string name = entry->d_name;
      if (name.empty() || name.front() == '.') continue;  // ., .. and the uploads directory
      const std::string key = path.empty() ? name : path + "/" + name;
      struct stat st {};
      if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      if (S_ISDIR(st.st_mode)) {
        if (!prefix.starts_with(key + "/") && !(key + "/").starts_with(prefix)) continue;
        Fd child{::openat(dir, name.c_str(), O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)};
        if (child) walk(child.get(), key, prefix, out);
      } else if (S_ISREG(st.st_mode) && key.starts_with(prefix)) {
        out.push_back({key, static_cast<std::uint64_t>(st.st_size)});
      }
    }
    ::closedir(listing);
  }

  Fd root_;
};

}  // namespace

bool valid_key(std::string_view key) noexcept {
  if (key.empty() || key.size() > 512) return false;
  bool segment_start = true;
  for (char c : key) {
    if (c == '/') {
      if (segment_start) return false;  // leading '/' or an empty segment
      segment_start = true;
      continue;
    }
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    segment_start = false;
  }
  return !segment_start;  // no trailing '/'
}

std::unique_ptr<Store> local_store(std::filesystem::path root) { return std::make_unique<LocalStore>(root); }

}  // namespace ignition::storage
