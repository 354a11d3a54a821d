// Patchbay harness: the JavaScript half of Capacitor's Android bridge, written from its protocol (docs/harness.md,
// ADR 0060). Injected as the first script of every HTML page the device's local server answers, as Capacitor's
// WebViewLocalServer injects its bridge, so it runs before any page script.
//
// JS -> native: window.androidBridge.postMessage(json) with {callbackId, pluginId, methodName, options} (or
// {type: 'js.error', error}); here it is carried by window.prompt, tagged with this page's generation.
// Native -> JS: window.Capacitor.fromNative({callbackId, pluginId, methodName, success, data | error, save}); the host
// only runs it while this page is the one shown (window.__patchbay.g). Listener callbacks stay saved (save: true).
// @capacitor/core (any version that reads window.androidBridge) finds android, isNativePlatform() and the plugin
// headers here, and routes its plugin proxies through Capacitor.nativePromise / nativeCallback.
(function (w) {
  if (w.androidBridge) {
    return;
  }
  var G = __GENERATION__;
  var HEADERS = __HEADERS__;
  var TAG = 'patchbay-bridge:' + G;
  Object.defineProperty(w, '__patchbay', {value: Object.freeze({g: G}), writable: false, configurable: false});

  function post(data) {
    try {
      w.prompt(typeof data === 'string' ? data : JSON.stringify(data), TAG);
    } catch (e) {
      // a message that cannot be serialised is dropped here, as Android drops one it cannot parse
    }
  }

  Object.defineProperty(w, 'androidBridge', {
    value: Object.freeze({postMessage: function (json) { post(String(json)); }}),
    writable: false,
    configurable: false
  });

  var cap = (w.Capacitor = w.Capacitor || {});
  cap.DEBUG = false;
  cap.isLoggingEnabled = false;
  cap.Plugins = cap.Plugins || {};
  cap.PluginHeaders = HEADERS;

  cap.Exception = function CapacitorException(message, code, data) {
    var e = new Error(message);
    e.name = 'CapacitorException';
    e.code = code;
    e.data = data;
    return e;
  };
  cap.getPlatform = function () { return 'android'; };
  cap.isNativePlatform = function () { return true; };
  cap.isPluginAvailable = function (name) { return Object.prototype.hasOwnProperty.call(cap.Plugins, name); };
  cap.getServerUrl = function () { return w.location.origin; };
  cap.convertFileSrc = function (path) { return path; };
  cap.handleError = function (err) { w.console.error(err); };

  var callbacks = new Map();
  // random start, as Capacitor: a late answer for a previous page can never hit a callback of this one
  var ids = Math.floor(Math.random() * 134217728);

  cap.toNative = function (pluginId, methodName, options, stored) {
    var callbackId = '-1';
    if (stored && (typeof stored.callback === 'function' || typeof stored.resolve === 'function')) {
      callbackId = String(++ids);
      callbacks.set(callbackId, stored);
    }
    post({callbackId: callbackId, pluginId: pluginId, methodName: methodName, options: options || {}});
    return callbackId;
  };

  cap.fromNative = function (result) {
    var stored = callbacks.get(result.callbackId);
    try {
      if (stored) {
        var error = null;
        if (result.error) {
          error = new cap.Exception('');
          Object.keys(result.error).forEach(function (k) { error[k] = result.error[k]; });
        }
        if (typeof stored.callback === 'function') {
          if (result.success) {
            stored.callback(result.data);
          } else {
            stored.callback(null, error);
          }
        } else if (typeof stored.resolve === 'function') {
          callbacks.delete(result.callbackId);
          if (result.success) {
            stored.resolve(result.data);
          } else {
            stored.reject(error);
          }
        }
      } else if (!result.success && result.error) {
        w.console.warn(result.error);
      }
    } finally {
      if (result.save === false) {
        callbacks.delete(result.callbackId);
      }
    }
  };

  cap.nativeCallback = function (pluginId, methodName, options, callback) {
    if (typeof options === 'function') {
      callback = options;
      options = null;
    }
    return cap.toNative(pluginId, methodName, options, {callback: callback});
  };

  cap.nativePromise = function (pluginId, methodName, options) {
    return new Promise(function (resolve, reject) {
      cap.toNative(pluginId, methodName, options, {resolve: resolve, reject: reject});
    });
  };

  cap.removeListener = function (pluginId, callbackId, eventName, callback) {
    cap.nativeCallback(pluginId, 'removeListener', {callbackId: callbackId, eventName: eventName}, callback);
    callbacks.delete(callbackId);
  };

  cap.addListener = function (pluginId, eventName, callback) {
    var callbackId = cap.nativeCallback(pluginId, 'addListener', {eventName: eventName}, callback);
    var handle = {
      remove: function () {
        cap.removeListener(pluginId, callbackId, eventName, callback);
        return Promise.resolve();
      }
    };
    var p = Promise.resolve(handle);
    p.remove = handle.remove;
    return p;
  };

  // The plugin objects Capacitor's Android bridge exports for its plugin headers (@capacitor/core replaces them
  // with its own proxies when an app registers the plugin; pages without @capacitor/core use these).
  HEADERS.forEach(function (h) {
    var t = (cap.Plugins[h.name] = {});
    t.addListener = function (eventName, callback) {
      return cap.addListener(h.name, eventName, callback);
    };
    h.methods.forEach(function (m) {
      if (m.name === 'addListener' || m.name === 'removeListener') {
        return;
      }
      t[m.name] = m.rtype === 'promise'
          ? function (options) { return cap.nativePromise(h.name, m.name, options); }
          : function (options, callback) { return cap.nativeCallback(h.name, m.name, options, callback); };
    });
  });

  // What the page says and what goes wrong in it reaches the device log (Android: WebChromeClient), also for the
  // preflight report: console output, uncaught errors, unhandled rejections, resources that failed to load.
  function text(args) {
    return Array.prototype.map.call(args, function (a) {
      if (a instanceof Error) {
        return a.name + ': ' + a.message;
      }
      if (a !== null && typeof a === 'object') {
        try {
          return JSON.stringify(a);
        } catch (e) {
          return String(a);
        }
      }
      return String(a);
    }).join(' ');
  }
  ['debug', 'log', 'info', 'warn', 'error'].forEach(function (level) {
    var original = w.console[level];
    w.console[level] = function () {
      post({callbackId: '-1', pluginId: 'Console', methodName: 'log', options: {level: level, message: text(arguments)}});
      if (original) {
        original.apply(w.console, arguments);
      }
    };
  });
  w.addEventListener('error', function (e) {
    var t = e.target;
    if (t && t !== w && (t.src || t.href)) {
      post({type: 'js.error', error: {kind: 'resource', message: 'failed to load ' + (t.src || t.href),
        url: t.src || t.href}});
      return;
    }
    post({type: 'js.error', error: {kind: 'uncaught', message: String(e.message), url: e.filename, line: e.lineno,
      col: e.colno}});
  }, true);
  w.addEventListener('unhandledrejection', function (e) {
    var r = e.reason;
    post({type: 'js.error', error: {kind: 'unhandledrejection',
      message: 'unhandled rejection: ' + (r && r.message ? r.message : String(r))}});
  });
})(window);
