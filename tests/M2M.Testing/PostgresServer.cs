using System.Diagnostics;
using System.Globalization;

namespace M2M.Testing;

/// <summary>
/// A real PostgreSQL 15 server (Debian package postgresql-15, binaries in /usr/lib/postgresql/15/bin)
/// in its own temporary cluster on 127.0.0.1 and a free port, for one test: initdb with a superuser
/// <see cref="User"/> whose password is required (scram-sha-256), then pg_ctl. PostgreSQL refuses to
/// run as root, so when the tests run as root (CI) the cluster belongs to the <c>postgres</c> user
/// and every command runs through <c>runuser</c>. It can be stopped (immediately, as a crash) and
/// started again on the same port and data (a backend outage).
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>The superuser the tests connect as.</summary>
    public const string User = "m2m";

    private const string Bin = "/usr/lib/postgresql/15/bin";
    private readonly string _directory;

    private PostgresServer(string directory, int port, string password)
    {
        _directory = directory;
        Port = port;
        Password = password;
    }

    public int Port { get; }

    /// <summary>The superuser's password.</summary>
    public string Password { get; }

    /// <summary>A connection string (Npgsql keywords) for database <c>postgres</c> as the superuser.</summary>
    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Database=postgres;Username={User};Password={Password}");

    private static bool AsRoot => Environment.UserName == "root";

    private string Data => Path.Combine(_directory, "data");

    public static async Task<PostgresServer> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("m2m-postgres-").FullName;
        var server = new PostgresServer(directory, LoopbackPort.Free(), Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)));
        var passwordFile = Path.Combine(directory, "password");
        await File.WriteAllTextAsync(passwordFile, server.Password).ConfigureAwait(false);
        if (AsRoot)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", directory]).ConfigureAwait(false);
        }

        await RunPostgresAsync("initdb", ["-D", server.Data, "-U", User, "--pwfile", passwordFile, "-A", "scram-sha-256", "-E", "UTF8", "--no-sync"]).ConfigureAwait(false);
        await server.StartAgainAsync().ConfigureAwait(false);
        return server;
    }

    /// <summary>Starts the server (again) on the same port and data, and waits until it accepts connections.</summary>
    public Task StartAgainAsync() => RunPostgresAsync("pg_ctl",
    [
        "-D", Data, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60",
        "-o", string.Create(CultureInfo.InvariantCulture, $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off"),
        "start",
    ]);

    /// <summary>Stops the server at once (no checkpoint, as a crash would).</summary>
    public Task StopAsync() => RunPostgresAsync("pg_ctl", ["-D", Data, "-m", "immediate", "-w", "stop"]);

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(Data, "postmaster.pid")))
        {
            await StopAsync().ConfigureAwait(false);
        }

        Directory.Delete(_directory, recursive: true);
    }

    private static Task RunPostgresAsync(string program, string[] arguments) =>
        AsRoot ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(Bin, program), .. arguments]) : RunAsync(Path.Combine(Bin, program), arguments);

    private static async Task RunAsync(string program, string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output.ConfigureAwait(false)}{await error.ConfigureAwait(false)}");
        }
    }
}
