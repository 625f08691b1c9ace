using System.Collections.Generic;
using M2M.Device.Core.App;
using M2M.Device.Core.Storage;

namespace M2M.Device.Core.Host.Provisioning;

/// <summary>
/// The files a device is provisioned with, made by the device core's own code so the board reads
/// exactly the format it is given (docs/device-credential.md): both credential slots
/// (<see cref="CredentialStore.ProvisioningRecord"/>, what <see cref="CredentialStore.Provision"/>
/// writes) and the configuration (<see cref="DeviceConfig.Format"/>). <c>m2m device provision</c>
/// deploys them to the board's internal drive <c>I:\</c>; the console's download holds the same files.
/// </summary>
public static class ProvisioningFiles
{
    /// <summary>The name under which the gateway's CA certificate (PEM) travels with the files.</summary>
    public const string CaCertificateName = "gateway-ca.pem";

    /// <summary>The files for the internal drive, by name, in the order they are deployed.</summary>
    public static IReadOnlyList<KeyValuePair<string, byte[]>> Create(DeviceCredential credential, DeviceConfig config)
    {
        System.ArgumentNullException.ThrowIfNull(credential);
        System.ArgumentNullException.ThrowIfNull(config);
        var record = CredentialStore.ProvisioningRecord(credential);
        return
        [
            new(CredentialStore.SlotA, record),
            new(CredentialStore.SlotB, (byte[])record.Clone()),
            new(DeviceConfig.FileName, config.Format()),
        ];
    }
}
