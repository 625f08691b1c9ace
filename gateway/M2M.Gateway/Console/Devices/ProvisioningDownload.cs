using System.IO.Compression;
using M2M.Device.Core.App;
using M2M.Device.Core.Host.Provisioning;
using M2M.Gateway.Https;
using M2M.Gateway.Ingress;
using M2M.Gateway.Tokens;
using Microsoft.Extensions.Options;
using CoreCredential = M2M.Device.Core.Storage.DeviceCredential;

namespace M2M.Gateway.OperatorConsole.Devices;

/// <summary>
/// The provisioning files of a device whose secret was just issued (a registration or a rotation),
/// as one zip the browser downloads from the page that shows the secret: the same files
/// <c>m2m device provision</c> writes to a board (<see cref="ProvisioningFiles"/>, the device core's
/// own format) for this gateway's token endpoint and MQTT listener (TLS when it is on), with the
/// default configuration, and the gateway's development CA certificate when it has one. The zip is
/// a <c>data:</c> address inside that one answer, never stored or served again: the gateway keeps
/// the secret only encrypted and cannot show it twice.
/// </summary>
public sealed class ProvisioningDownload(GatewayIssuer issuer, IOptions<MqttIngressOptions> mqtt, IServiceProvider services)
{
    /// <summary>The zip's name for <paramref name="deviceId"/>.</summary>
    public static string FileName(string deviceId) => deviceId + "-provisioning.zip";

    /// <summary>The secret of <paramref name="issued"/> (the admin API's answer to an add or a rotation) with its provisioning files, to show once.</summary>
    public SecretOnce Show(Admin.DeviceResponse issued)
    {
        ArgumentNullException.ThrowIfNull(issued);
        var secret = System.Buffers.Text.Base64Url.DecodeFromChars(issued.Secret ?? throw new ArgumentException("The answer carries no secret.", nameof(issued)));
        return new SecretOnce(issued.Id, issued.Secret, DataUrl(issued.Id, secret));
    }

    /// <summary>The zip as a <c>data:</c> address, or null when the gateway has no MQTT listener a device could use.</summary>
    public string? DataUrl(string deviceId, ReadOnlySpan<byte> secret)
    {
        var options = mqtt.Value;
        var tls = options.TlsPort > 0;
        var port = tls ? options.TlsPort : options.Port;
        if (port <= 0)
        {
            return null;
        }

        var caPem = services.GetService<GatewayCertificate>()?.CaPem;
        var credential = new CoreCredential(deviceId, secret.ToArray(), issuer.TokenEndpoint, new Uri(issuer.Issuer).Host, port)
        {
            MqttTls = tls,
            CaCertificatePem = caPem ?? string.Empty,
        };
        try
        {
            if (credential.Validate() != null)
            {
                return null;
            }

            using var zip = new MemoryStream();
            using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
            {
                foreach (var (name, content) in ProvisioningFiles.Create(credential, new DeviceConfig()))
                {
                    Add(archive, name, content);
                }

                if (caPem != null)
                {
                    Add(archive, ProvisioningFiles.CaCertificateName, System.Text.Encoding.ASCII.GetBytes(caPem));
                }
            }

            return "data:application/zip;base64," + Convert.ToBase64String(zip.GetBuffer(), 0, (int)zip.Length);
        }
        finally
        {
            credential.Clear();
        }
    }

    private static void Add(ZipArchive archive, string name, byte[] content)
    {
        using var entry = archive.CreateEntry(name, CompressionLevel.Optimal).Open();
        entry.Write(content);
    }
}
