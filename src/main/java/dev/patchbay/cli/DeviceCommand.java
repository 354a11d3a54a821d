package dev.patchbay.cli;

import dev.patchbay.client.Device;
import dev.patchbay.client.DeviceEvent;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.domain.Names;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "device", mixinStandardHelpOptions = true,
        description = "Devices of an app as the server knows them: state, timeline, channel override.",
        subcommands = {DeviceCommand.ListDevices.class, DeviceCommand.Show.class, DeviceCommand.Events.class,
                DeviceCommand.Pin.class})
final class DeviceCommand {

    abstract static class DeviceAction implements Runnable {
        final Cli.Context context;
        @Mixin ServerOptions server;
        @Option(names = "--app", required = true, paramLabel = "ID", description = "The app's id")
        String app;

        DeviceAction(Cli.Context context) {
            this.context = context;
        }

        Output output() {
            return new Output(context.out(), server.json);
        }

        String appId() {
            return Names.appId("--app", app);
        }
    }

    static String dash(Object o) {
        return o == null || o.toString().isEmpty() ? "-" : o.toString();
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the app's devices (by device id).")
    static final class ListDevices extends DeviceAction {
        @Option(names = "--limit", defaultValue = "100", description = "Most devices to list (default: ${DEFAULT-VALUE})")
        int limit;

        ListDevices(Cli.Context context) {
            super(context);
        }

        @Override
        public void run() {
            if (limit < 1) {
                throw new CliException("--limit must be at least 1");
            }
            PatchbayClient client = server.client(context);
            String appId = appId();
            List<Device> devices = new ArrayList<>();
            String after = null;
            do {
                Device.Page page = client.devices(appId, Math.min(500, limit - devices.size()), after);
                devices.addAll(page.items());
                after = page.next();
            } while (after != null && devices.size() < limit);
            Output out = output();
            if (out.json()) {
                out.json(devices);
            } else if (devices.isEmpty()) {
                out.line("No device of " + appId + " has checked for updates yet.");
            } else {
                out.table(List.of("DEVICE", "PLATFORM", "NATIVE", "BUNDLE", "CHANNEL", "SOURCE", "LAST OUTCOME", "LAST SEEN"),
                        devices.stream().map(d -> List.of(d.deviceId(), dash(d.platform()), dash(d.nativeVersion()),
                                dash(d.currentBundle()), dash(d.channel()), dash(d.channelSource()),
                                outcome(d), d.lastSeen() == null ? "-" : Text.time(d.lastSeen()))).toList());
            }
        }
    }

    static String outcome(Device d) {
        if (d.lastOutcome() == null) {
            return "-";
        }
        return d.lastError() == null ? d.lastOutcome() : d.lastOutcome() + " (" + d.lastError() + ")";
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one device with its bundles.")
    static final class Show extends DeviceAction {
        @Option(names = "--device", required = true, paramLabel = "ID", description = "The device id")
        String device;

        Show(Cli.Context context) {
            super(context);
        }

        @Override
        public void run() {
            Device d = server.client(context).device(appId(), device);
            Output out = output();
            if (out.json()) {
                out.json(d);
                return;
            }
            out.fields(List.of(
                    new String[] {"Device", d.deviceId()},
                    new String[] {"App", d.appId()},
                    new String[] {"Custom id", dash(d.customId())},
                    new String[] {"Platform", dash(d.platform()) + " " + dash(d.osVersion())},
                    new String[] {"Native", dash(d.nativeVersion()) + " (build " + dash(d.nativeBuild()) + ")"},
                    new String[] {"Runtime", dash(d.runtimeVersion())},
                    new String[] {"Emulator", d.isEmulator() == null ? "-" : Text.yesNo(d.isEmulator())},
                    new String[] {"Production", d.isProduction() == null ? "-" : Text.yesNo(d.isProduction())},
                    new String[] {"Channel", dash(d.channel()) + " (" + dash(d.channelSource()) + ")"},
                    new String[] {"Asked for", dash(d.channelAsked())},
                    new String[] {"Override", dash(d.channelOverride())},
                    new String[] {"Why", dash(d.channelReason())},
                    new String[] {"Current bundle", dash(d.currentBundle())},
                    new String[] {"Next bundle", dash(d.nextBundle())},
                    new String[] {"Last check", outcome(d)},
                    new String[] {"Message", dash(d.lastMessage())},
                    new String[] {"First seen", Text.time(d.firstSeen())},
                    new String[] {"Last seen", Text.time(d.lastSeen())}));
            if (!d.bundles().isEmpty()) {
                out.line("");
                out.table(List.of("BUNDLE", "STATE", "PERCENT", "REASON", "UPDATED"),
                        d.bundles().stream().map(b -> List.of(b.bundle(), b.state(), dash(b.percent()),
                                dash(b.reason()), Text.time(b.updatedAt()))).toList());
            }
        }
    }

    @Command(name = "events", mixinStandardHelpOptions = true, description = "A device's timeline, newest first.")
    static final class Events extends DeviceAction {
        @Option(names = "--device", required = true, paramLabel = "ID", description = "The device id")
        String device;
        @Option(names = "--limit", defaultValue = "50", description = "Most entries (default: ${DEFAULT-VALUE})")
        int limit;

        Events(Cli.Context context) {
            super(context);
        }

        @Override
        public void run() {
            if (limit < 1 || limit > 500) {
                throw new CliException("--limit must be from 1 to 500");
            }
            DeviceEvent.Page page = server.client(context).deviceEvents(appId(), device, limit, null);
            Output out = output();
            if (out.json()) {
                out.json(page.items());
            } else if (page.items().isEmpty()) {
                out.line("No events.");
            } else {
                out.table(List.of("RECEIVED", "ACTION", "BUNDLE", "DETAILS"),
                        page.items().stream().map(e -> List.of(Text.time(e.receivedAt()), e.action(), dash(e.bundle()),
                                e.details() == null || e.details().isEmpty() ? "-" : e.details().toString())).toList());
            }
        }
    }

    @Command(name = "override", mixinStandardHelpOptions = true,
            description = "Pin a device to a channel (it wins over the device's own choice), or --clear the pin.")
    static final class Pin extends DeviceAction {
        @Option(names = "--device", required = true, paramLabel = "ID", description = "The device id")
        String device;
        @ArgGroup(multiplicity = "1")
        Target target;

        static final class Target {
            @Option(names = "--channel", paramLabel = "NAME", description = "The channel to pin the device to")
            String channel;
            @Option(names = "--clear", description = "Remove the override")
            boolean clear;
        }

        Pin(Cli.Context context) {
            super(context);
        }

        @Override
        public void run() {
            PatchbayClient client = server.client(context);
            Output out = output();
            if (target.clear) {
                client.clearChannelOverride(appId(), device);
                if (out.json()) {
                    out.json(client.device(appId(), device));
                } else {
                    out.line("Device " + device + " of " + appId() + " has no channel override any more");
                }
                return;
            }
            Device d = client.setChannelOverride(appId(), device, Names.channelName("--channel", target.channel));
            if (out.json()) {
                out.json(d);
            } else {
                out.line("Device " + device + " of " + appId() + " is pinned to channel " + d.channelOverride());
            }
        }
    }
}
