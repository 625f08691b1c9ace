namespace M2M.Gateway.Relay.Http;

/// <summary>
/// Where <see cref="SinkCredentialStore"/> keeps the encrypted values: <c>sink-credentials.json</c>
/// in the data folder on one gateway (<see cref="SinkCredentialFile"/>), a table of the shared
/// PostgreSQL database in Cluster mode (<see cref="PostgresSinkCredentials"/>). It only stores
/// bytes it is given: names are checked, and values encrypted and decrypted, by the store alone.
/// </summary>
public interface ISinkCredentialStorage
{
    /// <summary>
    /// The encrypted value of <paramref name="name"/> with <see cref="CredentialLookup.Found"/>;
    /// otherwise <see cref="CredentialLookup.Missing"/>, <see cref="CredentialLookup.Unreadable"/>
    /// (the stored bytes cannot be read back) or <see cref="CredentialLookup.Unavailable"/> (the
    /// storage could not be reached now).
    /// </summary>
    Task<(CredentialLookup Result, byte[]? Encrypted)> FindAsync(string name, CancellationToken cancellationToken);

    /// <summary>The stored names and when each was set (Unix milliseconds), in ordinal order of name.</summary>
    Task<IReadOnlyList<(string Name, long Updated)>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Stores (or replaces) <paramref name="name"/>'s encrypted value, set at <paramref name="updated"/> (Unix milliseconds).</summary>
    Task PutAsync(string name, byte[] encrypted, long updated, CancellationToken cancellationToken);

    /// <summary>Removes <paramref name="name"/>; false if there was none.</summary>
    Task<bool> RemoveAsync(string name, CancellationToken cancellationToken);
}
