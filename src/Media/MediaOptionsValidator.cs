using System.Net;
using Microsoft.Extensions.Options;

namespace Doctolib.Telehealth.Media;

/// <summary>Refuses media settings the plane cannot run with, naming the configuration key (start-up stops).</summary>
internal sealed class MediaOptionsValidator : IValidateOptions<MediaOptions>
{
    public ValidateOptionsResult Validate(string? name, MediaOptions options)
    {
        var failures = new List<string>();
        if (!IPAddress.TryParse(options.AdvertisedAddress, out _))
        {
            failures.Add($"Media:AdvertisedAddress must be an IP address (it is '{options.AdvertisedAddress}').");
        }
        if (!IPAddress.TryParse(options.BindAddress, out _))
        {
            failures.Add($"Media:BindAddress must be an IP address (it is '{options.BindAddress}').");
        }
        if (options.UdpPort is < 0 or > 65_535)
        {
            failures.Add($"Media:UdpPort must be between 0 and 65535 (it is {options.UdpPort}).");
        }
        if (options.TcpPort is < 0 or > 65_535)
        {
            failures.Add($"Media:TcpPort must be between 0 and 65535, or unset (it is {options.TcpPort}).");
        }
        if (options.MaxSessions < 1)
        {
            failures.Add($"Media:MaxSessions must be at least 1 (it is {options.MaxSessions}).");
        }
        if (options.ConsentTimeout <= TimeSpan.Zero)
        {
            failures.Add($"Media:ConsentTimeout must be positive (it is {options.ConsentTimeout}).");
        }
        if (options.RelayIdleTimeout <= TimeSpan.Zero)
        {
            failures.Add($"Media:RelayIdleTimeout must be positive (it is {options.RelayIdleTimeout}).");
        }
        if (options.RelayMarkInterval <= TimeSpan.Zero)
        {
            failures.Add($"Media:RelayMarkInterval must be positive (it is {options.RelayMarkInterval}).");
        }
        if (options.ConsentCheckInterval <= TimeSpan.Zero)
        {
            failures.Add($"Media:ConsentCheckInterval must be positive (it is {options.ConsentCheckInterval}).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
