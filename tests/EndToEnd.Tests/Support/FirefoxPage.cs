using System.Text.Json;
using System.Text.Json.Nodes;

namespace Doctolib.Telehealth.EndToEnd.Tests.Support;

/// <summary>A Firefox tab over WebDriver BiDi: navigate, call a page function (its value comes back as JSON), take a
/// screenshot, and keep the page's console lines.</summary>
internal sealed class FirefoxPage
{
    private readonly BiDiConnection connection;
    private readonly string context;
    private readonly List<string> console = [];

    private FirefoxPage(BiDiConnection connection, string context)
    {
        this.connection = connection;
        this.context = context;
    }

    public IReadOnlyList<string> Console
    {
        get
        {
            lock (console)
            {
                return console.ToArray();
            }
        }
    }

    public static async Task<FirefoxPage> AttachAsync(BiDiConnection connection, string context, CancellationToken cancellationToken)
    {
        var page = new FirefoxPage(connection, context);
        connection.EventReceived += page.OnEvent;
        await connection.SendAsync("session.subscribe",
            new JsonObject { ["events"] = new JsonArray("log.entryAdded"), ["contexts"] = new JsonArray(context) }, cancellationToken);
        return page;
    }

    public async Task GotoAsync(Uri address, CancellationToken cancellationToken) =>
        await connection.SendAsync("browsingContext.navigate",
            new JsonObject { ["context"] = context, ["url"] = address.ToString(), ["wait"] = "complete" }, cancellationToken);

    /// <summary>Calls <paramref name="function"/> (a JS function expression, async or not) with string arguments, as if
    /// the user had just interacted with the page, and returns its value (awaited) as JSON.</summary>
    public async Task<JsonElement> EvaluateAsync(string function, CancellationToken cancellationToken, params string[] arguments)
    {
        var args = new JsonArray();
        foreach (var argument in arguments)
        {
            args.Add(new JsonObject { ["type"] = "string", ["value"] = argument });
        }
        var result = await connection.SendAsync("script.callFunction", new JsonObject
        {
            ["functionDeclaration"] = $"async function (...a) {{ const v = await ({function})(...a); return JSON.stringify(v === undefined ? null : v); }}",
            ["arguments"] = args,
            ["target"] = new JsonObject { ["context"] = context },
            ["awaitPromise"] = true,
            ["resultOwnership"] = "none",
            ["userActivation"] = true,
        }, cancellationToken);
        if (result.GetProperty("type").GetString() == "exception")
        {
            throw new InvalidOperationException("A page function threw in Firefox: " + result.GetProperty("exceptionDetails").GetProperty("text").GetString());
        }
        using var value = JsonDocument.Parse(result.GetProperty("result").GetProperty("value").GetString()!);
        return value.RootElement.Clone();
    }

    public async Task ScreenshotAsync(string path, CancellationToken cancellationToken)
    {
        var shot = await connection.SendAsync("browsingContext.captureScreenshot", new JsonObject { ["context"] = context }, cancellationToken);
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(shot.GetProperty("data").GetString()!), cancellationToken);
    }

    private void OnEvent(string method, JsonElement parameters)
    {
        if (method != "log.entryAdded" || !parameters.TryGetProperty("text", out var text))
        {
            return;
        }
        lock (console)
        {
            console.Add(text.GetString() ?? "");
        }
    }
}
