namespace Doctolib.Telehealth.Rooms.Internal;

/// <summary>The node of a server that runs alone (no registry): every participant and room is its own.</summary>
internal sealed class LoneNode : IRoomsNode
{
    public string Id { get; } = Environment.MachineName + "-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3));

    public bool Shared => false;
}
