// A Store decorator that counts the bytes passing through it, whatever the backend.

#include <ignition/storage/store.hpp>

namespace ignition::storage {

namespace {

class CountedUpload final : public Upload {
 public:
  CountedUpload(std::unique_ptr<Upload> inner, std::shared_ptr<Traffic> traffic)
      : inner_(std::move(inner)), traffic_(std::move(traffic)) {}
  boost::asio::awaitable<void> write(std::string_view bytes) override {
    co_await inner_->write(bytes);
    traffic_->bytes_in += bytes.size();
  }
  boost::asio::awaitable<void> commit() override { return inner_->commit(); }
  boost::asio::awaitable<void> abort() override { return inner_->abort(); }

 private:
  std::unique_ptr<Upload> inner_;
  std::shared_ptr<Traffic> traffic_;
};

class CountedStore final : public Store {
 public:
  CountedStore(std::unique_ptr<Store> inner, std::shared_ptr<Traffic> traffic)
      : inner_(std::move(inner)), traffic_(std::move(traffic)) {}

  boost::asio::awaitable<std::unique_ptr<Upload>> begin_upload(std::string key, std::string content_type) override {
    auto upload = co_await inner_->begin_upload(std::move(key), std::move(content_type));
    co_return std::make_unique<CountedUpload>(std::move(upload), traffic_);
  }
  boost::asio::awaitable<std::optional<ObjectInfo>> head(std::string key) override {
    return inner_->head(std::move(key));
  }
  boost::asio::awaitable<bool> read(std::string key, std::optional<ByteRange> range, const Write& write) override {
    const Write counting = [this, &write](std::string_view piece) -> boost::asio::awaitable<void> {
      traffic_->bytes_out += piece.size();  // before: the reader may be done before this resumes
      co_await write(piece);
    };
    const bool found = co_await inner_->read(std::move(key), range, counting);
    co_return found;
  }
  boost::asio::awaitable<bool> remove(std::string key) override { return inner_->remove(std::move(key)); }
  boost::asio::awaitable<std::vector<ObjectInfo>> list(std::string prefix) override {
    return inner_->list(std::move(prefix));
  }
  std::optional<std::string> presigned_get(const std::string& key, std::chrono::seconds expires) const override {
    return inner_->presigned_get(key, expires);
  }
  boost::asio::awaitable<bool> reachable() override { return inner_->reachable(); }
  std::string_view kind() const noexcept override { return inner_->kind(); }

 private:
  std::unique_ptr<Store> inner_;
  std::shared_ptr<Traffic> traffic_;
};

}  // namespace

std::unique_ptr<Store> counted(std::unique_ptr<Store> store, std::shared_ptr<Traffic> traffic) {
  return std::make_unique<CountedStore>(std::move(store), std::move(traffic));
}

}  // namespace ignition::storage
