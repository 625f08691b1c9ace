namespace M2M.Gateway.Journal;

/// <summary>
/// A relay batch as the ledger keeps it (<see cref="BatchLedger"/>): the
/// positions it covers and the JWS it was signed with when first built.
/// </summary>
/// <param name="First">Its first record's position.</param>
/// <param name="Last">Its last record's position.</param>
/// <param name="Signature">Its JWS, the <c>m2mgatewaysig</c> of each of its events.</param>
public readonly record struct SignedBatch(long First, long Last, string Signature);
