using System.Text.Json;
using M2M.Gateway.Hosting;
using M2M.Gateway.Secrets;

namespace M2M.Gateway.Relay.Http;

/// <summary>
/// The secrets HTTP sinks authenticate with (a bearer token, a basic-auth password, an OAuth client
/// secret or private key), kept in <c>sink-credentials.json</c> in the data folder (owner-only),
/// each value encrypted under the master key like device secrets (AES-256-GCM, purpose
/// <c>m2m/sink-credential/{name}</c>, so a value cannot be moved to another name). Configuration
/// names a credential; an operator sets its value through the admin API or
/// <c>m2m sink credential set</c>. Values are read at each use, so a credential set while the
/// gateway runs applies at the sink's next attempt. Nothing here logs or returns a value but
/// <see cref="Reveal"/>, which only the authenticators call.
/// </summary>
public sealed class SinkCredentialStore
{
    /// <summary>The file's name in the data folder.</summary>
    public const string FileName = "sink-credentials.json";

    /// <summary>Longest value accepted (a PEM RSA 4096 private key is about 3.3 KB).</summary>
    public const int MaxValueBytes = 16 * 1024;

    private readonly object _lock = new();
    private readonly ISecretProtector _protector;
    private readonly TimeProvider _time;
    private Dictionary<string, StoredCredential>? _credentials;

    public SinkCredentialStore(DataDirectory dataDirectory, ISecretProtector protector, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        Path = dataDirectory.Combine(FileName);
        _protector = protector;
        _time = time;
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>A credential's name: 1 to 64 of <c>a-z A-Z 0-9 . _ -</c> (it appears in URLs and configuration).</summary>
    public static bool IsValidName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    /// <summary>Stores (or replaces) <paramref name="name"/>'s value, encrypted; true if it replaced one.</summary>
    public bool Set(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        if (!IsValidName(name))
        {
            throw new ArgumentException("Invalid credential name.", nameof(name));
        }

        var encrypted = _protector.Protect(System.Text.Encoding.UTF8.GetBytes(value), Purpose(name));
        lock (_lock)
        {
            var credentials = new Dictionary<string, StoredCredential>(Load(), StringComparer.Ordinal);
            var replaced = credentials.ContainsKey(name);
            credentials[name] = new StoredCredential(Convert.ToBase64String(encrypted), _time.GetUtcNow().ToUnixTimeMilliseconds());
            Save(credentials);
            return replaced;
        }
    }

    /// <summary>Removes <paramref name="name"/>; false if there was none.</summary>
    public bool Delete(string name)
    {
        lock (_lock)
        {
            var credentials = new Dictionary<string, StoredCredential>(Load(), StringComparer.Ordinal);
            if (!credentials.Remove(name))
            {
                return false;
            }

            Save(credentials);
            return true;
        }
    }

    /// <summary>The stored names and when each was set; never a value.</summary>
    public IReadOnlyList<(string Name, DateTimeOffset Updated)> List()
    {
        lock (_lock)
        {
            return [.. Load().OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, DateTimeOffset.FromUnixTimeMilliseconds(c.Value.Updated)))];
        }
    }

    /// <summary>
    /// The decrypted value of <paramref name="name"/>, with <see cref="CredentialLookup.Found"/>,
    /// <see cref="CredentialLookup.Missing"/> or <see cref="CredentialLookup.Unreadable"/> (altered, or
    /// under another master key).
    /// </summary>
    public (CredentialLookup Result, string? Value) Reveal(string name)
    {
        StoredCredential? stored;
        lock (_lock)
        {
            stored = Load().GetValueOrDefault(name);
        }

        if (stored == null)
        {
            return (CredentialLookup.Missing, null);
        }

        byte[] encrypted;
        try
        {
            encrypted = Convert.FromBase64String(stored.Value);
        }
        catch (FormatException)
        {
            return (CredentialLookup.Unreadable, null);
        }

        var plain = _protector.Unprotect(encrypted, Purpose(name));
        return plain == null ? (CredentialLookup.Unreadable, null) : (CredentialLookup.Found, System.Text.Encoding.UTF8.GetString(plain));
    }

    private static string Purpose(string name) => "m2m/sink-credential/" + name;

    private Dictionary<string, StoredCredential> Load()
    {
        if (_credentials == null)
        {
            _credentials = File.Exists(Path)
                ? JsonSerializer.Deserialize<Dictionary<string, StoredCredential>>(File.ReadAllBytes(Path)) ?? []
                : [];
        }

        return _credentials;
    }

    private void Save(Dictionary<string, StoredCredential> credentials)
    {
        PrivateFile.CreateFolder(System.IO.Path.GetDirectoryName(Path)!);
        PrivateFile.WriteAtomically(Path, JsonSerializer.SerializeToUtf8Bytes(credentials));
        _credentials = credentials;
    }

    /// <param name="Value">Base64 of the encrypted value (<see cref="ISecretProtector"/> layout).</param>
    /// <param name="Updated">When it was set, Unix milliseconds.</param>
    private sealed record StoredCredential(string Value, long Updated);
}

/// <summary>What <see cref="SinkCredentialStore.Reveal"/> found; also the reason label of a failed authentication.</summary>
public enum CredentialLookup
{
    Found,
    Missing,
    Unreadable,
}
