using M2M.Gateway.Secrets;

namespace M2M.Gateway.Relay.Http;

/// <summary>
/// The secrets HTTP sinks authenticate with (a bearer token, a basic-auth password, an OAuth client
/// secret or private key), each value encrypted under the master key like device secrets
/// (AES-256-GCM, purpose <c>m2m/sink-credential/{name}</c>, so a value cannot be moved to another
/// name) and kept by an <see cref="ISinkCredentialStorage"/>: <c>sink-credentials.json</c> in the
/// data folder, or in Cluster mode the table every node shares. Configuration names a credential;
/// an operator sets its value through the admin API or <c>m2m sink credential set</c>. Values are
/// read from the storage at each use, so a credential set while the gateway runs (on any node of a
/// cluster) applies at the sink's next attempt. Nothing here logs or returns a value but
/// <see cref="RevealAsync"/>, which only the authenticators call.
/// </summary>
public sealed class SinkCredentialStore(ISinkCredentialStorage storage, ISecretProtector protector, TimeProvider time)
{
    /// <summary>The file's name in the data folder of a gateway that is not in Cluster mode.</summary>
    public const string FileName = SinkCredentialFile.FileName;

    /// <summary>Longest value accepted (a PEM RSA 4096 private key is about 3.3 KB).</summary>
    public const int MaxValueBytes = 16 * 1024;

    /// <summary>A credential's name: 1 to 64 of <c>a-z A-Z 0-9 . _ -</c> (it appears in URLs and configuration).</summary>
    public static bool IsValidName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    /// <summary>Stores (or replaces) <paramref name="name"/>'s value, encrypted; returns when it was set.</summary>
    public async Task<DateTimeOffset> SetAsync(string name, string value, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        if (!IsValidName(name))
        {
            throw new ArgumentException("Invalid credential name.", nameof(name));
        }

        var encrypted = protector.Protect(System.Text.Encoding.UTF8.GetBytes(value), Purpose(name));
        var updated = time.GetUtcNow().ToUnixTimeMilliseconds();
        await storage.PutAsync(name, encrypted, updated, cancellationToken).ConfigureAwait(false);
        return DateTimeOffset.FromUnixTimeMilliseconds(updated);
    }

    /// <summary>Removes <paramref name="name"/>; false if there was none.</summary>
    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken) => storage.RemoveAsync(name, cancellationToken);

    /// <summary>The stored names and when each was set; never a value.</summary>
    public async Task<IReadOnlyList<(string Name, DateTimeOffset Updated)>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await storage.ListAsync(cancellationToken).ConfigureAwait(false)).Select(c => (c.Name, DateTimeOffset.FromUnixTimeMilliseconds(c.Updated)))];

    /// <summary>
    /// The decrypted value of <paramref name="name"/>, with <see cref="CredentialLookup.Found"/>,
    /// <see cref="CredentialLookup.Missing"/>, <see cref="CredentialLookup.Unreadable"/> (altered, or
    /// under another master key) or <see cref="CredentialLookup.Unavailable"/> (the storage cannot be
    /// reached now).
    /// </summary>
    public async Task<(CredentialLookup Result, string? Value)> RevealAsync(string name, CancellationToken cancellationToken)
    {
        var (result, encrypted) = await storage.FindAsync(name, cancellationToken).ConfigureAwait(false);
        if (result != CredentialLookup.Found)
        {
            return (result, null);
        }

        var plain = protector.Unprotect(encrypted, Purpose(name));
        return plain == null ? (CredentialLookup.Unreadable, null) : (CredentialLookup.Found, System.Text.Encoding.UTF8.GetString(plain));
    }

    private static string Purpose(string name) => "m2m/sink-credential/" + name;
}

/// <summary>What <see cref="SinkCredentialStore.RevealAsync"/> found; also the reason label of a failed authentication.</summary>
public enum CredentialLookup
{
    Found,
    Missing,
    Unreadable,
    Unavailable,
}
