using System;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Storage
{
    /// <summary>
    /// The stock backend: S as read from the credential file on I:\ (docs/device-credential.md),
    /// readable by anyone who reads the flash unless the firmware encrypts it.
    /// </summary>
    public sealed class CredentialSecretStore : IDeviceSecretStore
    {
        private readonly DeviceCredential _credential;

        /// <summary>A store over the secret of <paramref name="credential"/>.</summary>
        public CredentialSecretStore(DeviceCredential credential)
        {
            if (credential == null)
            {
                throw new ArgumentNullException(nameof(credential));
            }

            _credential = credential;
        }

        /// <inheritdoc />
        public DeviceKeys DeriveKeys(IHmacSha256 hmac)
        {
            return DeviceKeys.Derive(_credential.Secret, hmac);
        }
    }
}
