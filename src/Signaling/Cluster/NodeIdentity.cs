using System.Security.Cryptography;
using Doctolib.Telehealth.Rooms;
using Microsoft.Extensions.Options;

namespace Doctolib.Telehealth.Signaling.Cluster;

/// <summary>This process's node: its id (<c>Node:Id</c>, or the host name and a random suffix) and whether it shares
/// the work with other nodes (Redis configured).</summary>
internal sealed class NodeIdentity(IOptions<NodeOptions> options, bool shared) : IRoomsNode
{
    public string Id { get; } = string.IsNullOrWhiteSpace(options.Value.Id)
        ? $"{Sanitize(Environment.MachineName)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}"
        : options.Value.Id;

    public bool Shared { get; } = shared;

    private static string Sanitize(string host)
    {
        var kept = new string(host.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.').Take(48).ToArray());
        return kept.Length == 0 ? "node" : kept;
    }
}
