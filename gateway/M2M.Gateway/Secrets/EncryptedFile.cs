namespace M2M.Gateway.Secrets;

/// <summary>
/// A file that holds values encrypted under the master key, declared by the part that writes it
/// (<see cref="SecretsExtensions.AddEncryptedFile"/>), so that a missing <c>master.key</c> next to
/// it stops the gateway with the file's name instead of being replaced by a new key.
/// </summary>
/// <param name="Path">The file's full path.</param>
/// <param name="Holds">What it holds, for the operator ("device secrets").</param>
public sealed record EncryptedFile(string Path, string Holds);
