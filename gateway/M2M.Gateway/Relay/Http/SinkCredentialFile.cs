using System.Text.Json;
using M2M.Gateway.Hosting;

namespace M2M.Gateway.Relay.Http;

/// <summary>
/// The sink credentials of one gateway: <c>sink-credentials.json</c> in the data folder (owner-only,
/// replaced atomically), a JSON object of name to the base64 of the encrypted value and when it was
/// set. Read once, then kept in memory: this process is its only writer.
/// </summary>
public sealed class SinkCredentialFile(DataDirectory dataDirectory) : ISinkCredentialStorage
{
    /// <summary>The file's name in the data folder.</summary>
    public const string FileName = "sink-credentials.json";

    private readonly object _lock = new();
    private Dictionary<string, StoredCredential>? _credentials;

    /// <summary>The file's full path.</summary>
    public string Path { get; } = dataDirectory?.Combine(FileName) ?? throw new ArgumentNullException(nameof(dataDirectory));

    /// <inheritdoc />
    public Task<(CredentialLookup Result, byte[]? Encrypted)> FindAsync(string name, CancellationToken cancellationToken)
    {
        StoredCredential? stored;
        lock (_lock)
        {
            stored = Load().GetValueOrDefault(name);
        }

        if (stored == null)
        {
            return Task.FromResult<(CredentialLookup, byte[]?)>((CredentialLookup.Missing, null));
        }

        try
        {
            return Task.FromResult<(CredentialLookup, byte[]?)>((CredentialLookup.Found, Convert.FromBase64String(stored.Value)));
        }
        catch (FormatException)
        {
            return Task.FromResult<(CredentialLookup, byte[]?)>((CredentialLookup.Unreadable, null));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<(string Name, long Updated)>> ListAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<(string, long)>>([.. Load().OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, c.Value.Updated))]);
        }
    }

    /// <inheritdoc />
    public Task PutAsync(string name, byte[] encrypted, long updated, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var credentials = new Dictionary<string, StoredCredential>(Load(), StringComparer.Ordinal)
            {
                [name] = new StoredCredential(Convert.ToBase64String(encrypted), updated),
            };
            Save(credentials);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> RemoveAsync(string name, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var credentials = new Dictionary<string, StoredCredential>(Load(), StringComparer.Ordinal);
            if (!credentials.Remove(name))
            {
                return Task.FromResult(false);
            }

            Save(credentials);
            return Task.FromResult(true);
        }
    }

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

    /// <param name="Value">Base64 of the encrypted value (<see cref="Secrets.ISecretProtector"/> layout).</param>
    /// <param name="Updated">When it was set, Unix milliseconds.</param>
    private sealed record StoredCredential(string Value, long Updated);
}
