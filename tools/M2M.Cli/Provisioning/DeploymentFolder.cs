using System.Text.Json;
using System.Text.Json.Nodes;
using M2M.Device.Core.App;
using M2M.Device.Core.Host.Provisioning;
using M2M.Device.Core.Storage;

namespace M2M.Cli.Provisioning;

/// <summary>
/// The files a provisioning writes for nanoff, in a folder only the user can read (0700; files 0600):
/// the credential slots and the configuration (<see cref="ProvisioningFiles"/>, the device core's own
/// code, so the board reads exactly the format it was given); the CA certificate; and nanoff's two
/// descriptors, a file deployment (credential, configuration to <c>I:\</c>) and a network deployment
/// (Wi-Fi profile, CA certificate). The folder holds the device secret and the Wi-Fi password:
/// <see cref="Dispose"/> deletes it unless it is kept on purpose.
/// </summary>
public sealed class DeploymentFolder : IDisposable
{
    /// <summary>The file deployment descriptor's name.</summary>
    public const string FileDeploymentName = "deploy-files.json";

    /// <summary>The network deployment descriptor's name.</summary>
    public const string NetworkDeploymentName = "deploy-network.json";

    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private DeploymentFolder(string path, bool keep)
    {
        Path = path;
        Keep = keep;
    }

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>Whether <see cref="Dispose"/> leaves the folder in place (--keep-files).</summary>
    public bool Keep { get; }

    /// <summary>Creates a new private folder under <paramref name="parent"/> (the system temp folder when null).</summary>
    public static DeploymentFolder Create(string? parent, bool keep)
    {
        var root = parent ?? System.IO.Path.GetTempPath();
        var path = System.IO.Path.Combine(root, "m2m-provision-" + Guid.NewGuid().ToString("N")[..12]);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return new DeploymentFolder(path, keep);
    }

    /// <summary>Writes the credential slots and the configuration (<see cref="ProvisioningFiles"/>); returns their names.</summary>
    public IReadOnlyList<string> WriteDeviceFiles(DeviceCredential credential, DeviceConfig config)
    {
        var names = new List<string>();
        foreach (var (name, content) in ProvisioningFiles.Create(credential, config))
        {
            WritePrivate(name, content);
            names.Add(name);
        }

        return names;
    }

    /// <summary>Copies the CA certificate (PEM).</summary>
    public string WriteCaCertificate(string pem)
    {
        WritePrivate(ProvisioningFiles.CaCertificateName, System.Text.Encoding.ASCII.GetBytes(pem));
        return ProvisioningFiles.CaCertificateName;
    }

    /// <summary>
    /// nanoff's file deployment descriptor (nanoFirmwareFlasher FileDeploymentConfiguration:
    /// SerialPort, Files[DestinationFilePath, SourceFilePath]); every file goes to the internal drive I:\.
    /// </summary>
    public string WriteFileDeployment(string serialPort, IEnumerable<string> fileNames)
    {
        var files = new JsonArray();
        foreach (var name in fileNames)
        {
            files.Add(new JsonObject
            {
                ["DestinationFilePath"] = "I:\\" + name,
                ["SourceFilePath"] = System.IO.Path.Combine(Path, name),
            });
        }

        var descriptor = new JsonObject { ["SerialPort"] = serialPort, ["Files"] = files };
        WritePrivate(FileDeploymentName, JsonSerializer.SerializeToUtf8Bytes(descriptor, Indented));
        return System.IO.Path.Combine(Path, FileDeploymentName);
    }

    /// <summary>
    /// nanoff's network deployment descriptor (nanoFirmwareFlasher NetworkDeploymentConfiguration:
    /// SerialPort, WirelessClient{Ssid, Password, DhcpEnabled, AutomaticDNS, ConfigurationOption},
    /// CACertificatesPath). AutoConnect makes the ESP32 join at boot before the application asks.
    /// </summary>
    public string WriteNetworkDeployment(string serialPort, string? ssid, string? password, string? caFileName)
    {
        var descriptor = new JsonObject { ["SerialPort"] = serialPort };
        if (ssid != null)
        {
            descriptor["WirelessClient"] = new JsonObject
            {
                ["Ssid"] = ssid,
                ["Password"] = password ?? string.Empty,
                ["DhcpEnabled"] = true,
                ["AutomaticDNS"] = true,
                ["ConfigurationOption"] = "AutoConnect",
            };
        }

        if (caFileName != null)
        {
            descriptor["CACertificatesPath"] = System.IO.Path.Combine(Path, caFileName);
        }

        WritePrivate(NetworkDeploymentName, JsonSerializer.SerializeToUtf8Bytes(descriptor, Indented));
        return System.IO.Path.Combine(Path, NetworkDeploymentName);
    }

    /// <summary>Deletes the folder and everything in it, unless <see cref="Keep"/>.</summary>
    public void Dispose()
    {
        if (!Keep && Directory.Exists(Path))
        {
            // Overwrite before deleting: the secret should not linger in freed blocks longer than needed
            // (best effort; journaling file systems and SSDs may keep copies, hardware.md says so).
            foreach (var file in Directory.GetFiles(Path))
            {
                var length = new FileInfo(file).Length;
                File.WriteAllBytes(file, new byte[length]);
            }

            Directory.Delete(Path, recursive: true);
        }
    }

    private void WritePrivate(string name, byte[] data)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        using var stream = new FileStream(System.IO.Path.Combine(Path, name), options);
        stream.Write(data);
    }
}
