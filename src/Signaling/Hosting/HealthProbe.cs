namespace Doctolib.Telehealth.Signaling.Hosting;

/// <summary><c>dotnet Doctolib.Telehealth.Signaling.dll --health-probe [path]</c>: asks a running server on this machine
/// for <c>/readyz</c> (or the given path) and exits 0 when it answers 200, 1 otherwise. It is the container's
/// healthcheck, since the ASP.NET runtime image has neither curl nor wget. The address comes from <c>Urls</c> (or
/// <c>ASPNETCORE_URLS</c>); a wildcard host is asked on 127.0.0.1.</summary>
internal static class HealthProbe
{
    public const string Argument = "--health-probe";

    public static async Task<int> RunAsync(string[] args)
    {
        var path = args.Length > 1 && args[1].StartsWith('/') ? args[1] : "/readyz";
        var urls = Environment.GetEnvironmentVariable("Urls") ?? Environment.GetEnvironmentVariable("ASPNETCORE_URLS") ?? "http://127.0.0.1:5080";
        var first = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
        var local = first.Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(new Uri(new Uri(local), path));
            Console.WriteLine($"{path}: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            Console.Error.WriteLine($"{path}: {error.Message}");
            return 1;
        }
    }
}
