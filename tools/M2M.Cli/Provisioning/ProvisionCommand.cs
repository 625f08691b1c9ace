using System.CommandLine;
using M2M.Device.Core.App;
using M2M.Device.Core.Storage;

namespace M2M.Cli.Provisioning;

/// <summary>
/// <c>m2m device provision</c>: registers the device on the gateway (or uses an existing secret),
/// writes its credential and configuration in the device core's own format, and writes them, the
/// Wi-Fi profile and the gateway's CA certificate to the board with nanoff. Secrets are read from
/// files or the environment, never from the command line (other users can read it in `ps`).
/// </summary>
public static class ProvisionCommand
{
    /// <summary>Exit code for bad input (options, files, a refused registration).</summary>
    public const int InputErrorExitCode = 1;

    /// <summary>Exit code when the gateway could not be reached or refused the admin key.</summary>
    public const int GatewayErrorExitCode = 2;

    /// <summary>Environment variable holding the admin API key when --admin-key-file is not given.</summary>
    public const string AdminKeyVariable = "M2M_ADMIN_KEY";

    /// <summary>Environment variable holding the Wi-Fi password when --wifi-password-file is not given.</summary>
    public const string WifiPasswordVariable = "M2M_WIFI_PASSWORD";

    private static readonly Option<string> Id = new("--id") { Description = "Device id (a-z, 0-9, '-', 3 to 64 characters).", Required = true };
    private static readonly Option<string> Gateway = new("--gateway") { Description = "Gateway base URL, e.g. https://gateway.local:5443 (admin API and token endpoint).", Required = true };
    private static readonly Option<string> SerialPort = new("--serial-port") { Description = "Serial port of the board (e.g. /dev/ttyUSB0, COM3).", Required = true };
    private static readonly Option<string> Tenant = new("--tenant") { Description = "Tenant of a newly registered device.", DefaultValueFactory = _ => "default" };
    private static readonly Option<string[]> Roles = new("--role") { Description = "Role of a newly registered device (repeatable).", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<FileInfo?> AdminKeyFile = new("--admin-key-file") { Description = $"File holding the gateway admin API key (else ${AdminKeyVariable})." };
    private static readonly Option<FileInfo?> SecretFile = new("--secret-file") { Description = "Use this existing device secret (base64url) instead of registering the device." };
    private static readonly Option<FileInfo?> CaCert = new("--ca-cert") { Description = "The gateway's CA certificate (PEM), trusted by the board for HTTPS and MQTT over TLS." };
    private static readonly Option<string?> MqttHost = new("--mqtt-host") { Description = "MQTT host name (default: the gateway's host; must match its TLS certificate)." };
    private static readonly Option<int> MqttPort = new("--mqtt-port") { Description = "MQTT port.", DefaultValueFactory = _ => 8883 };
    private static readonly Option<bool> MqttPlain = new("--mqtt-plain") { Description = "MQTT without TLS (development only: the token travels in clear)." };
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
            Id, Gateway, SerialPort, Tenant, Roles, AdminKeyFile, SecretFile, CaCert, MqttHost, MqttPort, MqttPlain,
            WifiSsid, WifiPasswordFile, Interval, OutboxCapacity, NanoffPath, KeepFiles, WorkDir,
        };
        command.SetAction((result, cancellationToken) => RunAsync(result, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult result, CancellationToken cancellationToken)
    {
        var output = result.InvocationConfiguration.Output;
        var error = result.InvocationConfiguration.Error;
        var id = result.GetValue(Id)!;
        var gatewayText = result.GetValue(Gateway)!;
        var serialPort = result.GetValue(SerialPort)!;
        var tls = !result.GetValue(MqttPlain);

        // Checks that need no network come first, so a typo never leaves a registered device behind.
        // The trailing slash makes relative paths (admin/v1/devices, oauth2/token) keep a base path.
        if (!Uri.TryCreate(gatewayText.TrimEnd('/') + "/", UriKind.Absolute, out var gateway) || (gateway.Scheme != Uri.UriSchemeHttps && gateway.Scheme != Uri.UriSchemeHttp))
        {
            return Fail(error, InputErrorExitCode, $"--gateway must be an http(s) URL, e.g. https://gateway.local:5443.");
        }

        if (!DeviceCredential.IsDeviceId(id))
        {
            return Fail(error, InputErrorExitCode, $"'{id}' is not a device id: 3 to 64 of a-z, 0-9 and '-'.");
        }

        var nanoff = Nanoff.Find(result.GetValue(NanoffPath)?.FullName);
        if (nanoff == null)
        {
            return Fail(error, Nanoff.NotInstalledExitCode, Nanoff.InstallHint);
        }

        var caFile = result.GetValue(CaCert);
        if (caFile == null && (tls || gateway.Scheme == Uri.UriSchemeHttps))
        {
            return Fail(error, InputErrorExitCode, "--ca-cert is required for TLS: export the gateway's CA certificate (hardware.md, step 3).");
        }

        var caPem = caFile == null ? null : await File.ReadAllTextAsync(caFile.FullName, cancellationToken).ConfigureAwait(false);
        if (caPem != null && !caPem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            return Fail(error, InputErrorExitCode, $"{caFile!.FullName} is not a PEM certificate.");
        }

        var ssid = result.GetValue(WifiSsid);
        var wifiPassword = await ReadSecretAsync(result.GetValue(WifiPasswordFile), WifiPasswordVariable, cancellationToken).ConfigureAwait(false);
        var config = new DeviceConfig
        {
            TelemetryIntervalSeconds = result.GetValue(Interval),
            OutboxCapacity = result.GetValue(OutboxCapacity),
        };
        if (DeviceConfig.Parse(config.Format()).Config == null)
        {
            return Fail(error, InputErrorExitCode, "--interval must be 1 to 86400 s and --outbox-capacity 1 to 1024.");
        }

        await output.WriteLineAsync($"[1/4] Device secret for {id}").ConfigureAwait(false);
        var secret = await ObtainSecretAsync(result, id, gateway, output, error, cancellationToken).ConfigureAwait(false);
        if (secret.Code != 0)
        {
            return secret.Code;
        }

        var tokenEndpoint = new Uri(gateway, "oauth2/token").ToString();
        var credential = new DeviceCredential(id, secret.Bytes!, tokenEndpoint, result.GetValue(MqttHost) ?? gateway.Host, result.GetValue(MqttPort))
        {
            MqttTls = tls,
            CaCertificatePem = caPem ?? string.Empty,
        };
        if (credential.Validate() is { } problem)
        {
            return Fail(error, InputErrorExitCode, $"The credential is not valid: {problem}.");
        }

        using var folder = DeploymentFolder.Create(result.GetValue(WorkDir)?.FullName, result.GetValue(KeepFiles));
        await output.WriteLineAsync($"[2/4] Writing the deployment files to a private folder").ConfigureAwait(false);
        var files = new List<string>(folder.WriteCredential(credential)) { folder.WriteConfiguration(config) };
        credential.Clear();
        var caName = caPem == null ? null : folder.WriteCaCertificate(caPem);
        var fileDeployment = folder.WriteFileDeployment(serialPort, files);
        var networkDeployment = ssid != null || caName != null ? folder.WriteNetworkDeployment(serialPort, ssid, wifiPassword, caName) : null;

        await output.WriteLineAsync($"[3/4] Writing {string.Join(", ", files)} to I:\\ on {serialPort}").ConfigureAwait(false);
        var exit = await nanoff.RunAsync(["--serialport", serialPort, "--filedeployment", fileDeployment], output, cancellationToken).ConfigureAwait(false);
        if (exit != 0)
        {
            return FailNanoff(error, exit, folder);
        }

        if (networkDeployment != null)
        {
            var what = ssid != null && caName != null ? $"Wi-Fi profile '{ssid}' and CA certificate" : ssid != null ? $"Wi-Fi profile '{ssid}'" : "CA certificate";
            await output.WriteLineAsync($"[4/4] Writing the {what} to the board's configuration").ConfigureAwait(false);
            exit = await nanoff.RunAsync(["--serialport", serialPort, "--networkdeployment", networkDeployment], output, cancellationToken).ConfigureAwait(false);
            if (exit != 0)
            {
                return FailNanoff(error, exit, folder);
            }
        }
        else
        {
            await output.WriteLineAsync("[4/4] No Wi-Fi profile or CA certificate to write (the board keeps what it has)").ConfigureAwait(false);
        }

        await output.WriteLineAsync(folder.Keep
            ? $"Done. The deployment files were kept in {folder.Path}: they hold the device secret; delete them when done."
            : $"Done. {id} is provisioned; reset the board to start it. The deployment files were deleted.").ConfigureAwait(false);
        return 0;
    }

    private static async Task<(int Code, byte[]? Bytes)> ObtainSecretAsync(ParseResult result, string id, Uri gateway, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (result.GetValue(SecretFile) is { } secretFile)
        {
            var text = await File.ReadAllTextAsync(secretFile.FullName, cancellationToken).ConfigureAwait(false);
            var bytes = SecretText.Decode(text);
            if (bytes == null)
            {
                return (Fail(error, InputErrorExitCode, $"{secretFile.FullName} does not hold a base64url 32-byte secret."), null);
            }

            await output.WriteLineAsync($"  using the existing secret from {secretFile.FullName}").ConfigureAwait(false);
            return (0, bytes);
        }

        var adminKey = await ReadSecretAsync(result.GetValue(AdminKeyFile), AdminKeyVariable, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(adminKey))
        {
            return (Fail(error, InputErrorExitCode, $"To register the device an admin API key is needed: --admin-key-file or ${AdminKeyVariable} (or pass --secret-file)."), null);
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        AdminApi.Registration registration;
        try
        {
            var roles = result.GetValue(Roles) ?? [];
            registration = await new AdminApi(http, gateway, adminKey).CreateDeviceAsync(id, result.GetValue(Tenant)!, roles, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            return (Fail(error, GatewayErrorExitCode, $"The gateway at {gateway} could not be reached: {ex.Message}"), null);
        }

        switch ((int)registration.Status)
        {
            case 201 when registration.Secret != null:
                await output.WriteLineAsync($"  registered {id} on {gateway}").ConfigureAwait(false);
                return (0, registration.Secret);
            case 409:
                return (Fail(error, InputErrorExitCode, $"{id} is already registered. Its secret was shown once at registration: pass it with --secret-file, or rotate it (m2m device rotate) and pass the new one."), null);
            case 401 or 403:
                return (Fail(error, GatewayErrorExitCode, "The gateway refused the admin API key."), null);
            default:
                return (Fail(error, GatewayErrorExitCode, $"The gateway answered {(int)registration.Status}: {registration.Error}"), null);
        }
    }

    private static async Task<string?> ReadSecretAsync(FileInfo? file, string variable, CancellationToken cancellationToken)
    {
        if (file != null)
        {
            return (await File.ReadAllTextAsync(file.FullName, cancellationToken).ConfigureAwait(false)).TrimEnd('\r', '\n');
        }

        return Environment.GetEnvironmentVariable(variable);
    }

    private static int FailNanoff(TextWriter error, int exit, DeploymentFolder folder)
    {
        var kept = folder.Keep ? $" The deployment files are in {folder.Path}." : string.Empty;
        return Fail(error, Nanoff.FailedExitCode, $"nanoff failed (exit code {exit}). Is the board on that port, running nanoFramework (m2m device flash), and not held by another program?{kept}");
    }

    private static int Fail(TextWriter error, int code, string message)
    {
        error.WriteLine("error: " + message);
        return code;
    }
}
