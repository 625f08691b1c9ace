using M2M.Device.Core.Crypto;
using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Storage
{
    /// <summary>
    /// The one place the device secret S is used (docs/protocol.md section 2.2): it yields the derived
    /// keys K_auth and K_msg and never S itself, so a backend that keeps S (or the HKDF pseudorandom key)
    /// in hardware, such as the ESP32-S3/C3 HMAC peripheral with an eFuse key or the ATECC608A of the
    /// ESP32-WROOM-32SE (hardware.md, "Protecting the credential at rest"), is one more implementation
    /// of this interface and changes no session, signing or token logic.
    /// </summary>
    public interface IDeviceSecretStore
    {
        /// <summary>Derives K_auth and K_msg from the secret this store holds.</summary>
        DeviceKeys DeriveKeys(IHmacSha256 hmac);
    }
}
