import{a}from"./chunk-WKBQNGNJ.js";import"./chunk-JSSOGFXD.js";import"./chunk-DFZTPQR2.js";export default a();
