// Patchbay harness: a Capacitor-style native bridge, injected into every HTML page the device's local server
// answers (as Capacitor's WebViewLocalServer injects native-bridge.js). JS -> native: window.prompt with a JSON
// message (answered synchronously with a call id, as Cordova's Android bridge did); native -> JS: the host resolves
// the call later with window.__patchbay.resolve(id, ok, value) and sends events with window.__patchbay.event.
(function () {
  if (window.__patchbay) {
    return;
  }
  var G = __GENERATION__;
  var calls = {};
  var listeners = {};
  function send(method, args) {
    var answer = window.prompt(JSON.stringify({g: G, m: method, a: args || {}}), 'patchbay-bridge:');
    return answer ? JSON.parse(answer) : {error: 'the native bridge did not answer'};
  }
  function call(method, args) {
    return new Promise(function (resolve, reject) {
      var r = send(method, args);
      if (r.error) {
        reject(new Error(r.error));
        return;
      }
      calls[r.id] = {resolve: resolve, reject: reject};
    });
  }
  window.__patchbay = {
    g: G,
    resolve: function (id, ok, value) {
      var c = calls[id];
      if (!c) {
        return;
      }
      delete calls[id];
      if (ok) {
        c.resolve(value);
      } else {
        var e = new Error(value && value.message ? value.message : String(value));
        if (value && value.code) {
          e.code = value.code;
        }
        c.reject(e);
      }
    },
    event: function (name, data) {
      (listeners[name] || []).slice().forEach(function (cb) {
        try {
          cb(data);
        } catch (e) {
          console.error('listener of ' + name + ' failed: ' + e);
        }
      });
    }
  };
  var methods = ['notifyAppReady', 'current', 'getLatest', 'download', 'next', 'set', 'reset', 'reload', 'list',
    'delete', 'setMultiDelay', 'cancelDelay', 'setChannel', 'unsetChannel', 'getChannel', 'getDeviceId',
    'getBuiltinVersion', 'getNextBundle', 'getFailedUpdate', 'setCustomId', 'triggerUpdateCheck'];
  var plugin = {};
  methods.forEach(function (m) {
    plugin[m] = function (options) {
      return call(m, options);
    };
  });
  plugin.addListener = function (event, cb) {
    (listeners[event] = listeners[event] || []).push(cb);
    var handle = {
      remove: function () {
        var l = listeners[event] || [];
        var i = l.indexOf(cb);
        if (i >= 0) {
          l.splice(i, 1);
        }
        return Promise.resolve();
      }
    };
    var p = Promise.resolve(handle);
    p.remove = handle.remove;
    return p;
  };
  plugin.removeAllListeners = function () {
    listeners = {};
    return Promise.resolve();
  };
  var cap = window.Capacitor = window.Capacitor || {};
  cap.Plugins = cap.Plugins || {};
  cap.Plugins.CapacitorUpdater = plugin;
  cap.platform = 'android';
  cap.isNative = true;
  cap.getPlatform = function () {
    return 'android';
  };
  cap.isNativePlatform = function () {
    return true;
  };
  cap.isPluginAvailable = function (name) {
    return name === 'CapacitorUpdater';
  };
  ['log', 'info', 'warn', 'error'].forEach(function (level) {
    var original = console[level];
    console[level] = function () {
      try {
        send('__log', {level: level, text: Array.prototype.map.call(arguments, String).join(' ')});
      } catch (ignored) {
      }
      if (original) {
        original.apply(console, arguments);
      }
    };
  });
  window.addEventListener('error', function (e) {
    try {
      send('__log', {level: 'error', text: 'uncaught ' + e.message});
    } catch (ignored) {
    }
  });
})();
