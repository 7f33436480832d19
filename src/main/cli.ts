// placeholder, replaced below
console.log('kling-studio')
