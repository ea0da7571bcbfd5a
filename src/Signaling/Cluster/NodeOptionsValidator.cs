using Microsoft.Extensions.Options;

namespace Doctolib.Telehealth.Signaling.Cluster;

/// <summary>Checks section <c>Node</c> at start-up; a bad value stops the server naming its key.</summary>
internal sealed class NodeOptionsValidator : IValidateOptions<NodeOptions>
{
    public ValidateOptionsResult Validate(string? name, NodeOptions options)
    {
        var failures = new List<string>();
        if (options.Id is { } id && (id.Length is 0 or > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            failures.Add($"Node:Id must have 1 to 64 letters, digits, '-', '_' or '.' (it is '{id}').");
        }
        if (options.HeartbeatInterval <= TimeSpan.Zero)
        {
            failures.Add($"Node:HeartbeatInterval must be positive (it is {options.HeartbeatInterval}).");
        }
        if (options.DeadAfter <= options.HeartbeatInterval)
        {
            failures.Add($"Node:DeadAfter must be longer than Node:HeartbeatInterval (it is {options.DeadAfter}).");
        }
        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            failures.Add($"Node:RequestTimeout must be positive (it is {options.RequestTimeout}).");
        }
        if (options.SilentAfter <= options.HeartbeatInterval)
        {
            failures.Add($"Node:SilentAfter must be longer than Node:HeartbeatInterval (it is {options.SilentAfter}).");
        }
        if (options.MoveOverlap < TimeSpan.Zero)
        {
            failures.Add($"Node:MoveOverlap must not be negative (it is {options.MoveOverlap}).");
        }
        if (options.DrainTimeout < TimeSpan.Zero)
        {
            failures.Add($"Node:DrainTimeout must not be negative (it is {options.DrainTimeout}).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
