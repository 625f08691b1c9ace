using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using M2M.Cli.Admin;
using M2M.Cli.Common;
using M2M.Device.Core.App;
using M2M.Device.Core.Storage;

namespace M2M.Cli.Provisioning;

/// <summary>
/// <c>m2m device provision</c>: registers the device on the gateway (or uses an existing secret),
/// writes its credential and configuration in the device core's own format, and writes them, the
/// Wi-Fi profile and the gateway's CA certificate to the board with nanoff. The gateway and admin key
/// come from the global options (--gateway, --admin-key-file, M2M_ADMIN_KEY). Secrets are read from
/// files or the environment, never from the command line (other users can read it in `ps`).
/// </summary>
public static class ProvisionCommand
{
    /// <summary>Environment variable holding the Wi-Fi password when --wifi-password-file is not given.</summary>
    public const string WifiPasswordVariable = "M2M_WIFI_PASSWORD";

    private const string NanoffHint = "Is the board on that port, running nanoFramework (m2m device flash), and not held by another program (a serial monitor)?";

    private static readonly Argument<string> Id = new("id") { Description = "Device id (a-z, 0-9, '-', 3 to 64 characters)." };
    private static readonly Option<string> SerialPort = new("--serial-port") { Description = "Serial port of the board (e.g. /dev/ttyUSB0, COM3).", Required = true };
    private static readonly Option<string> Tenant = new("--tenant") { Description = "Tenant of a newly registered device.", DefaultValueFactory = _ => "default" };
    private static readonly Option<string[]> Roles = new("--role") { Description = "Role of a newly registered device (repeatable).", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<FileInfo?> SecretFile = new("--secret-file") { Description = "Use this existing device secret (base64url) instead of registering the device." };
    private static readonly Option<FileInfo?> CaCert = new("--ca-cert") { Description = "The gateway's CA certificate (PEM), trusted by the board for HTTPS and MQTT over TLS, and by m2m itself for its calls to the gateway." };
    private static readonly Option<string?> MqttHost = new("--mqtt-host") { Description = "MQTT host name (default: the gateway's host; with TLS it must match the gateway's certificate)." };
    private static readonly Option<int?> MqttPort = new("--mqtt-port") { Description = "MQTT port (default: the one the gateway publishes in its metadata, m2m_mqtt_tls_port or with --mqtt-plain m2m_mqtt_port)." };
    private static readonly Option<bool> MqttPlain = new("--mqtt-plain") { Description = "MQTT without TLS (development only: the access token travels in clear)." };
    private static readonly Option<string?> WifiSsid = new("--wifi-ssid") { Description = "Wi-Fi network the board joins." };
    private static readonly Option<FileInfo?> WifiPasswordFile = new("--wifi-password-file") { Description = $"File holding the Wi-Fi password (else ${WifiPasswordVariable}; none for an open network)." };
    private static readonly Option<int> Interval = new("--interval") { Description = "Seconds between telemetry messages.", DefaultValueFactory = _ => 60 };
    private static readonly Option<int> OutboxCapacity = new("--outbox-capacity") { Description = "Signed messages kept while offline (32 suits a board without PSRAM).", DefaultValueFactory = _ => 32 };
    private static readonly Option<FileInfo?> NanoffPath = new("--nanoff") { Description = "Path to nanoff (default: found on PATH)." };
    private static readonly Option<bool> KeepFiles = new("--keep-files") { Description = "Keep the deployment folder (it holds the device secret and the Wi-Fi password)." };
    private static readonly Option<DirectoryInfo?> WorkDir = new("--work-dir") { Description = "Where the private deployment folder is created (default: the system temp folder)." };

    /// <summary>The command.</summary>
    public static Command Create()
    {
        var command = new Command("provision", "Register a device (if needed) and write its credential, configuration, Wi-Fi profile and the gateway's CA certificate to a board with nanoff.")
        {
            Id, SerialPort, Tenant, Roles, SecretFile, CaCert, MqttHost, MqttPort, MqttPlain,
            WifiSsid, WifiPasswordFile, Interval, OutboxCapacity, NanoffPath, KeepFiles, WorkDir,
        };
        command.SetAction(GlobalOptions.Run(RunAsync));
        return command;
    }

    private static async Task RunAsync(CommandContext context)
    {
        var result = context.ParseResult;
        var output = context.Output;
        var id = result.GetValue(Id)!;
        var serialPort = result.GetValue(SerialPort)!;
        var tls = !result.GetValue(MqttPlain);

        // Checks that need no network come first, so a typo never leaves a registered device behind.
        // The trailing slash makes relative paths (oauth2/token) keep a base path.
        var gateway = CommandContext.HttpUrl(context.GatewayUrl.ToString().TrimEnd('/') + "/", "--gateway");
        if (!DeviceCredential.IsDeviceId(id))
        {
            throw new CliException(ExitCodes.Usage, $"'{id}' is not a device id: 3 to 64 of a-z, 0-9 and '-'");
        }

        var nanoff = Nanoff.Require(result.GetValue(NanoffPath)?.FullName);
        var caFile = result.GetValue(CaCert);
        if (caFile == null && (tls || gateway.Scheme == Uri.UriSchemeHttps))
        {
            throw new CliException(ExitCodes.Usage, "--ca-cert is required for TLS: export the gateway's CA certificate (hardware.md, step 3)");
        }

        var caPem = caFile == null ? null : await File.ReadAllTextAsync(caFile.FullName, context.CancellationToken).ConfigureAwait(false);
        var trustedCa = caPem == null ? null : GatewayHttp.ParseCaPem(caPem, caFile!.FullName);

        var ssid = result.GetValue(WifiSsid);
        var wifiFile = result.GetValue(WifiPasswordFile);
        var wifiPassword = wifiFile != null
            ? (await File.ReadAllTextAsync(wifiFile.FullName, context.CancellationToken).ConfigureAwait(false)).TrimEnd('\r', '\n')
            : Environment.GetEnvironmentVariable(WifiPasswordVariable);
        var config = new DeviceConfig
        {
            TelemetryIntervalSeconds = result.GetValue(Interval),
            OutboxCapacity = result.GetValue(OutboxCapacity),
        };
        if (DeviceConfig.Parse(config.Format()).Config == null)
        {
            throw new CliException(ExitCodes.Usage, "--interval must be 1 to 86400 s and --outbox-capacity 1 to 1024");
        }

        var syntax = await nanoff.DetectSyntaxAsync(context.CancellationToken).ConfigureAwait(false);
        var mqttPort = result.GetValue(MqttPort)
            ?? await GatewayMetadata.MqttPortAsync(gateway, trustedCa, tls, output, context.CancellationToken).ConfigureAwait(false);

        await output.WriteLineAsync($"[1/4] Device secret for {id}").ConfigureAwait(false);
        var secret = await ObtainSecretAsync(context, id, trustedCa).ConfigureAwait(false);
        var credential = new DeviceCredential(id, secret, new Uri(gateway, "oauth2/token").ToString(), result.GetValue(MqttHost) ?? gateway.Host, mqttPort)
        {
            MqttTls = tls,
            CaCertificatePem = caPem ?? string.Empty,
        };
        if (credential.Validate() is { } problem)
        {
            throw new CliException(ExitCodes.Usage, $"the credential is not valid: {problem}");
        }

        using var folder = DeploymentFolder.Create(result.GetValue(WorkDir)?.FullName, result.GetValue(KeepFiles));
        await output.WriteLineAsync("[2/4] Writing the deployment files to a private folder").ConfigureAwait(false);
        var files = folder.WriteDeviceFiles(credential, config);
        credential.Clear();
        var caName = caPem == null ? null : folder.WriteCaCertificate(caPem);
        var fileDeployment = folder.WriteFileDeployment(serialPort, files);
        var networkDeployment = ssid != null || caName != null ? folder.WriteNetworkDeployment(serialPort, ssid, wifiPassword, caName) : null;
        var kept = folder.Keep ? $" The deployment files are in {folder.Path}." : string.Empty;

        await output.WriteLineAsync($"[3/4] Writing {string.Join(", ", files)} to I:\\ on {serialPort} with {syntax.Description}").ConfigureAwait(false);
        await nanoff.RunOrFailAsync(syntax.DeployFiles(serialPort, fileDeployment), output, NanoffHint + kept, context.CancellationToken).ConfigureAwait(false);
        if (networkDeployment != null)
        {
            var what = ssid != null && caName != null ? $"Wi-Fi profile '{ssid}' and CA certificate" : ssid != null ? $"Wi-Fi profile '{ssid}'" : "CA certificate";
            await output.WriteLineAsync($"[4/4] Writing the {what} to the board's configuration").ConfigureAwait(false);
            await nanoff.RunOrFailAsync(syntax.DeployNetwork(serialPort, networkDeployment), output, NanoffHint + kept, context.CancellationToken).ConfigureAwait(false);
        }
        else
        {
            await output.WriteLineAsync("[4/4] No Wi-Fi profile or CA certificate to write (the board keeps what it has)").ConfigureAwait(false);
        }

        await output.WriteLineAsync(folder.Keep
            ? $"Done. The deployment files were kept in {folder.Path}: they hold the device secret; delete them when done."
            : $"Done. {id} is provisioned; reset the board to start it. The deployment files were deleted.").ConfigureAwait(false);
    }

    /// <summary>The secret from --secret-file, else from registering the device (the gateway shows it once).</summary>
    private static async Task<byte[]> ObtainSecretAsync(CommandContext context, string id, X509Certificate2Collection? trustedCa)
    {
        if (context.ParseResult.GetValue(SecretFile) is { } secretFile)
        {
            var text = await File.ReadAllTextAsync(secretFile.FullName, context.CancellationToken).ConfigureAwait(false);
            await context.Output.WriteLineAsync($"  using the existing secret from {secretFile.FullName}").ConfigureAwait(false);
            return SecretText.Decode(text) ?? throw new CliException(ExitCodes.Usage, $"{secretFile.FullName} does not hold a base64url 32-byte secret");
        }

        using var client = AdminClient.For(context, trustedCa);
        var body = new { id, tenant = context.ParseResult.GetValue(Tenant), roles = context.ParseResult.GetValue(Roles) ?? [] };
        JsonElement? created;
        try
        {
            created = await client.SendAsync(HttpMethod.Post, "/admin/v1/devices", body, context.CancellationToken).ConfigureAwait(false);
        }
        catch (CliException e) when (e.ExitCode == ExitCodes.Conflict)
        {
            throw new CliException(ExitCodes.Conflict, $"{id} is already registered. Its secret was shown once at registration: pass it with --secret-file, or rotate it (m2m device rotate {id}) and pass the new one");
        }

        var secret = created is { ValueKind: JsonValueKind.Object } device && device.TryGetProperty("secret", out var value) && value.GetString() is { } text2
            ? SecretText.Decode(text2)
            : null;
        await context.Output.WriteLineAsync($"  registered {id} on {context.GatewayUrl}").ConfigureAwait(false);
        return secret ?? throw new CliException(ExitCodes.GatewayError, "the gateway's answer has no valid \"secret\"");
    }
}
