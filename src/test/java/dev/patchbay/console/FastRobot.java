package dev.patchbay.console;

/**
 * TestFX robot pacing for headless runs: fewer intermediate mouse-move steps and a shorter pause per typed
 * character. Clicks and key presses are still real events through the glass robot. TestFX reads these properties
 * once, when its robot classes load, so UI test classes call this from their static initializer.
 */
final class FastRobot {
    private FastRobot() {
    }

    static void configure() {
        System.setProperty("testfx.robot.move_max_count", "20");
        System.setProperty("testfx.robot.write_sleep", "5");
    }
}
