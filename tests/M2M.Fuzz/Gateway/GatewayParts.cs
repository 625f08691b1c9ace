using M2M.Gateway.Secrets;
using M2M.Gateway.Tokens;
using M2M.Gateway.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace M2M.Fuzz.Gateway;

/// <summary>
/// The gateway's own services, composed as Program.cs composes them (secrets, then the token
/// service), on a temporary data folder and a fixed clock, without Kestrel: the validators the fuzz
/// targets call are the ones the endpoints and the ingress resolve. One per process. The data folder
/// starts from tests/fuzz/gateway-data (embedded): a master key and signing keys made for fuzzing
/// only, so that the access tokens and relayed records of the seed corpora verify in every run.
/// </summary>
internal static class GatewayParts
{
    /// <summary>The gateway's issuer (docs/protocol.md section 4).</summary>
    public const string Issuer = "https://gateway.example";

    /// <summary>The fixed "now" of every target: 2026-01-01T00:00:00Z, the protocol vectors' time.</summary>
    public static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_767_225_600);

    /// <summary>The files of the data folder fixture.</summary>
    public static readonly IReadOnlyList<string> FixtureFiles = ["master.key", "signing-keys.json"];

    private static readonly Lazy<WebApplication> Provider = new(Compose);

    /// <summary>The temporary data folder (after the first <see cref="Get{T}"/>).</summary>
    public static string DataFolder { get; private set; } = string.Empty;

    public static T Get<T>()
        where T : notnull => Provider.Value.Services.GetRequiredService<T>();

    private static WebApplication Compose()
    {
        var data = Directory.CreateTempSubdirectory("m2m-fuzz-gateway-");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => data.Delete(recursive: true);
        foreach (var name in FixtureFiles)
        {
            using var resource = typeof(GatewayParts).Assembly.GetManifestResourceStream("gateway-data/" + name);
            if (resource != null)
            {
                // The gateway refuses a master key others may read (Secrets/MasterKey.cs).
                var path = Path.Combine(data.FullName, name);
                using (var file = File.Create(path))
                {
                    resource.CopyTo(file);
                }

                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }
            }
        }

        DataFolder = data.FullName;
        // The production host builder (Kestrel registered, not started), with the parts Program.cs adds in its order.
        var builder = GatewayHost.CreateBuilder([$"--{DataDirectory.ConfigurationKey}={data.FullName}", $"--Gateway:Issuer={Issuer}", "--Logging:LogLevel:Default=None"]);
        builder.Services.AddSingleton<TimeProvider>(new FixedTime(Now));
        builder.Services.AddGatewaySecrets();
        builder.Services.AddTokenService(builder.Configuration);
        return builder.Build();
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
